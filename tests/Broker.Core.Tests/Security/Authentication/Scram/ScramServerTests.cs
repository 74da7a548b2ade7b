using System.Text;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Scram;
using Broker.Tests;

namespace Broker.Core.Tests.Security.Authentication.Scram;

/// <summary>
/// The server's side of SCRAM against RFC 7677's example exchange, and against a client written from the RFC apart
/// from it (tests/Shared/ScramClient) for SHA-512, wrong proofs, unknown users and malformed messages.
/// </summary>
public sealed class ScramServerTests
{
    private const int Iterations = 64;

    private static ScramDatabase Users(ScramAlgorithm algorithm)
    {
        var database = new ScramDatabase(algorithm, Iterations);
        database.Apply("line1-press", database.Encode("line1-press", Encoding.UTF8.GetBytes("pw-press"), superuser: false));
        database.Apply("mes", database.Encode("mes", Encoding.UTF8.GetBytes("pw-mes"), superuser: true));
        return database;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> data) => Encoding.UTF8.GetString(data.Span);

    /// <summary>Both steps of an exchange as a client runs it; the last step is the server's answer to the proof.</summary>
    private static async Task<AuthExchangeStep> ExchangeAsync(ScramDatabase database, ScramClient client)
    {
        var first = await database.StartAsync(client.First(), CancellationToken.None);
        Assert.Equal(AuthExchangeStatus.Continue, first.Status);
        return first.Next!.Continue(client.Final(first.Data.ToArray()));
    }

    [Fact]
    public async Task RFC_7677_the_example_exchange_for_user_with_password_pencil_gives_the_same_messages()
    {
        var salt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");
        var user = ScramUser.FromPassword(ScramAlgorithm.Sha256, 4096, "user", Bytes("pencil"), salt, superuser: false);
        var database = new ScramDatabase(ScramAlgorithm.Sha256, 4096, newNonce: () => "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        database.Apply(user.UserId, ScramUserFormat.Serialize(user));

        var first = await database.StartAsync(Bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"), CancellationToken.None);
        Assert.Equal("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", Text(first.Data));

        var final = first.Next!.Continue(Bytes("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        Assert.Equal(AuthExchangeStatus.Success, final.Status);
        Assert.Equal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Text(final.Data));
        Assert.Equal("user", final.UserId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_right_password_succeeds_with_a_signature_the_client_verifies_and_the_users_superuser_flag(bool sha512)
    {
        var database = Users(sha512 ? ScramAlgorithm.Sha512 : ScramAlgorithm.Sha256);
        var client = new ScramClient(sha512, "mes", "pw-mes");
        Assert.Equal(client.Method, database.Method);

        var final = await ExchangeAsync(database, client);

        Assert.Equal(AuthExchangeStatus.Success, final.Status);
        Assert.True(client.Verifies(final.Data.ToArray()));
        Assert.Equal(("mes", true), (final.UserId, final.IsSuperuser));
        Assert.False((await ExchangeAsync(database, new ScramClient(sha512, "line1-press", "pw-press"))).IsSuperuser);
    }

    [Fact]
    public async Task Each_exchange_gets_a_fresh_server_nonce_that_extends_the_clients()
    {
        var database = Users(ScramAlgorithm.Sha256);
        var nonces = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            var first = await database.StartAsync(Bytes("n,,n=mes,r=client-nonce"), CancellationToken.None);
            var nonce = Text(first.Data).Split(',')[0];
            Assert.StartsWith("r=client-nonce", nonce, StringComparison.Ordinal);
            Assert.True(nonce.Length >= "r=client-nonce".Length + 24, nonce);
            nonces.Add(nonce);
        }

        Assert.Equal(3, nonces.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_wrong_password_fails_with_invalid_proof(bool sha512)
    {
        var final = await ExchangeAsync(Users(sha512 ? ScramAlgorithm.Sha512 : ScramAlgorithm.Sha256), new ScramClient(sha512, "mes", "pw-guess"));

        Assert.Equal(AuthExchangeStatus.Failure, final.Status);
        Assert.Equal("e=invalid-proof", Text(final.Data));
        Assert.Contains("wrong proof for user mes", final.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_user_gets_a_salt_that_stays_the_same_and_fails_like_a_wrong_password()
    {
        var database = Users(ScramAlgorithm.Sha256);

        var first = await database.StartAsync(Bytes("n,,n=visitor,r=abc"), CancellationToken.None);
        var again = await database.StartAsync(Bytes("n,,n=visitor,r=def"), CancellationToken.None);
        var other = await database.StartAsync(Bytes("n,,n=intruder,r=abc"), CancellationToken.None);
        var known = await database.StartAsync(Bytes("n,,n=mes,r=abc"), CancellationToken.None);

        string[] Salt(AuthExchangeStep step) => Text(step.Data).Split(',')[1..];
        Assert.Equal(Salt(first), Salt(again));
        Assert.NotEqual(Salt(first), Salt(other));
        Assert.Equal(Salt(known)[0].Length, Salt(first)[0].Length);
        Assert.Equal(Salt(known)[1], Salt(first)[1]);

        var final = await ExchangeAsync(database, new ScramClient(false, "visitor", "pw-mes"));
        Assert.Equal(AuthExchangeStatus.Failure, final.Status);
        Assert.Equal("e=invalid-proof", Text(final.Data));
        Assert.Contains("unknown user visitor", final.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_final_message_with_another_nonce_fails()
    {
        var database = Users(ScramAlgorithm.Sha256);
        var client = new ScramClient(false, "mes", "pw-mes", nonce: "abc");
        var first = await database.StartAsync(client.First(), CancellationToken.None);
        var final = Text(client.Final(first.Data.ToArray()));
        var nonce = final.Split(',')[1];

        var step = first.Next!.Continue(Bytes(final.Replace(nonce, nonce + "x", StringComparison.Ordinal)));

        Assert.Equal(AuthExchangeStatus.Failure, step.Status);
        Assert.Equal("e=other-error", Text(step.Data));
    }

    [Theory]
    [InlineData("y,,")]
    [InlineData("n,a=mes,")]
    public async Task A_client_that_could_bind_or_names_itself_as_authorization_identity_is_accepted(string gs2Header)
    {
        var client = new ScramClient(false, "mes", "pw-mes", gs2Header: gs2Header);
        var final = await ExchangeAsync(Users(ScramAlgorithm.Sha256), client);

        Assert.Equal(AuthExchangeStatus.Success, final.Status);
        Assert.True(client.Verifies(final.Data.ToArray()));
    }

    [Fact]
    public async Task A_final_message_whose_channel_binding_is_not_the_first_messages_header_fails()
    {
        var database = Users(ScramAlgorithm.Sha256);
        var client = new ScramClient(false, "mes", "pw-mes", gs2Header: "y,,");
        var first = await database.StartAsync(client.First(), CancellationToken.None);
        var final = Text(client.Final(first.Data.ToArray()));

        var step = first.Next!.Continue(Bytes(final.Replace("c=eSws", "c=biws", StringComparison.Ordinal)));

        Assert.Equal("e=channel-bindings-dont-match", Text(step.Data));
    }

    [Fact]
    public async Task A_user_name_with_commas_and_equals_signs_is_escaped_in_the_messages()
    {
        var database = Users(ScramAlgorithm.Sha512);
        database.Apply("plant=2,line=1", database.Encode("plant=2,line=1", Bytes("pw"), superuser: false));
        var client = new ScramClient(true, "plant=2,line=1", "pw");

        Assert.Contains("n=plant=3D2=2Cline=3D1,", Encoding.UTF8.GetString(client.First()), StringComparison.Ordinal);
        var final = await ExchangeAsync(database, client);
        Assert.Equal(("plant=2,line=1", AuthExchangeStatus.Success), (final.UserId, final.Status));
    }

    [Theory]
    [InlineData("p=tls-unique,,n=mes,r=abc", "channel-binding-not-supported")]
    [InlineData("x,,n=mes,r=abc", "invalid-encoding")]
    [InlineData("n", "invalid-encoding")]
    [InlineData("n,n=mes,r=abc", "invalid-encoding")]
    [InlineData("n,,m=ext,n=mes,r=abc", "extensions-not-supported")]
    [InlineData("n,,n=me=2Xs,r=abc", "invalid-username-encoding")]
    [InlineData("n,,n=mes=,r=abc", "invalid-username-encoding")]
    [InlineData("n,,n=,r=abc", "invalid-username-encoding")]
    [InlineData("n,,n=mes", "invalid-encoding")]
    [InlineData("n,,r=abc,n=mes", "invalid-encoding")]
    [InlineData("n,,n=mes,r=", "invalid-encoding")]
    [InlineData("n,,n=mes,r=a b", "invalid-encoding")]
    [InlineData("n,a=line1-press,n=mes,r=abc", "other-error")]
    public async Task A_malformed_first_message_fails_at_once_with_the_rfcs_error(string message, string error)
    {
        var step = await Users(ScramAlgorithm.Sha256).StartAsync(Bytes(message), CancellationToken.None);

        Assert.Equal(AuthExchangeStatus.Failure, step.Status);
        Assert.Equal("e=" + error, Text(step.Data));
        Assert.Null(step.Next);
    }

    [Fact]
    public async Task A_first_message_that_is_not_utf8_fails_with_invalid_encoding()
    {
        var step = await Users(ScramAlgorithm.Sha256).StartAsync(new byte[] { (byte)'n', (byte)',', (byte)',', 0xC3, 0x28 }, CancellationToken.None);
        Assert.Equal("e=invalid-encoding", Text(step.Data));
    }

    [Theory]
    [InlineData("c=biws,r={0}")]
    [InlineData("c=biws,p=AAAA")]
    [InlineData("r={0},c=biws,p=AAAA")]
    [InlineData("c=biws,r={0},p=not base64!")]
    [InlineData("c=biws,r={0},p=AAAA")]
    public async Task A_malformed_final_message_fails(string template)
    {
        var database = Users(ScramAlgorithm.Sha256);
        var first = await database.StartAsync(Bytes("n,,n=mes,r=abc"), CancellationToken.None);
        var nonce = Text(first.Data).Split(',')[0][2..];

        var step = first.Next!.Continue(Bytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, nonce)));

        Assert.Equal(AuthExchangeStatus.Failure, step.Status);
        Assert.StartsWith("e=invalid-", Text(step.Data), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exchange_answers_one_final_message_only()
    {
        var database = Users(ScramAlgorithm.Sha256);
        var client = new ScramClient(false, "mes", "pw-mes");
        var first = await database.StartAsync(client.First(), CancellationToken.None);
        var final = client.Final(first.Data.ToArray());

        Assert.Equal(AuthExchangeStatus.Success, first.Next!.Continue(final).Status);
        Assert.Equal(AuthExchangeStatus.Failure, first.Next.Continue(final).Status);
    }

    [Fact]
    public async Task A_connect_without_enhanced_authentication_is_ignored()
    {
        var result = await Users(ScramAlgorithm.Sha256).AuthenticateAsync(
            new Credentials(new Core.Security.ClientInfo { ClientId = "c", Username = "mes" }, Bytes("pw-mes")), CancellationToken.None);

        Assert.Equal(AuthenticationVerdict.Ignore, result.Verdict);
    }
}
