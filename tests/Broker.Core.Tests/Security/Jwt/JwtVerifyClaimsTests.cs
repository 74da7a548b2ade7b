using Broker.Actors.TestKit;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Jwt;
using static Broker.Core.Tests.Security.Jwt.TestJwt;

namespace Broker.Core.Tests.Security.Jwt;

public sealed class JwtVerifyClaimsTests
{
    private const string Secret = "a-secret-of-thirty-two-bytes-or-more!";

    private readonly ManualTimeProvider _time = new(Now);

    [Fact]
    public async Task Placeholders_render_the_clients_own_username_and_client_id()
    {
        var claims = new Dictionary<string, string> { ["sub"] = "${username}", ["cid"] = "device-${clientid}" };
        var token = Hmac(Secret, """{"sub":"alice","cid":"device-c1"}""");

        var own = await Authenticate(claims, Password(token, clientId: "c1", username: "alice"));
        var otherUser = await Authenticate(claims, Password(token, clientId: "c1", username: "bob"));
        var otherClient = await Authenticate(claims, Password(token, clientId: "c2", username: "alice"));

        Assert.Equal(AuthenticationVerdict.Allow, own.Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, otherUser.Verdict);
        Assert.Contains("'sub' does not match", otherUser.Detail, StringComparison.Ordinal);
        Assert.Equal(AuthenticationVerdict.Deny, otherClient.Verdict);
    }

    [Fact]
    public async Task A_claim_to_verify_that_the_token_lacks_is_denied()
    {
        var result = await Authenticate(new Dictionary<string, string> { ["iss"] = "factory" }, Password(Hmac(Secret, """{"sub":"alice"}""")));

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
        Assert.Contains("missing claim 'iss'", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_claim_is_compared_as_a_string_as_emqx_compares_it()
    {
        var claims = new Dictionary<string, string> { ["level"] = "3" };

        var text = await Authenticate(claims, Password(Hmac(Secret, """{"level":"3"}""")));
        var number = await Authenticate(claims, Password(Hmac(Secret, """{"level":3}""")));

        Assert.Equal(AuthenticationVerdict.Allow, text.Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, number.Verdict);
    }

    [Theory]
    [InlineData("\"broker\"", AuthenticationVerdict.Allow)]
    [InlineData("[\"other\",\"broker\"]", AuthenticationVerdict.Allow)]
    [InlineData("[\"other\"]", AuthenticationVerdict.Deny)]
    [InlineData("[]", AuthenticationVerdict.Deny)]
    [InlineData("\"\"", AuthenticationVerdict.Deny)]
    public async Task Aud_matches_a_string_or_one_element_of_an_array(string aud, AuthenticationVerdict verdict)
    {
        var result = await Authenticate(new Dictionary<string, string> { ["aud"] = "broker" }, Password(Hmac(Secret, $$"""{"aud":{{aud}}}""")));

        Assert.Equal(verdict, result.Verdict);
    }

    [Fact]
    public async Task A_username_placeholder_fails_for_a_client_without_username()
    {
        var result = await Authenticate(new Dictionary<string, string> { ["sub"] = "${username}" }, Password(Hmac(Secret, """{"sub":""}"""), username: null));

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
    }

    [Theory]
    [InlineData("exp", "1")]
    [InlineData("nbf", "1")]
    [InlineData("iat", "1")]
    [InlineData("sub", "${peerhost}")]
    public void Claims_emqx_refuses_to_verify_are_refused_when_created(string name, string value)
    {
        Assert.Throws<ArgumentException>(() => JwtAuthenticator.Create(new JwtAuthenticatorOptions
        {
            Secret = Secret,
            VerifyClaims = new Dictionary<string, string> { [name] = value },
        }));
    }

    private async Task<AuthenticationResult> Authenticate(Dictionary<string, string> claims, Credentials credentials)
    {
        using var authenticator = JwtAuthenticator.Create(new JwtAuthenticatorOptions { Secret = Secret, VerifyClaims = claims }, _time);
        return await authenticator.AuthenticateAsync(credentials, default);
    }
}
