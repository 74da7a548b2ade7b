using System.Text;
using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Scram;

namespace Broker.Core.Tests.Security.Authentication;

public sealed class AuthenticationChainTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private static Credentials Connect(string? username, string? password, string clientId = "machine-1") =>
        new(new ClientInfo { ClientId = clientId, Username = username }, password is null ? null : (ReadOnlyMemory<byte>?)Encoding.UTF8.GetBytes(password));

    private static BuiltInDatabase Users(bool byClientId = false)
    {
        var database = new BuiltInDatabase(new PasswordHashAlgorithm { Iterations = 16 }, byClientId);
        database.Apply("line1-press", database.Encode("line1-press", Encoding.UTF8.GetBytes("pw-1"), superuser: false));
        database.Apply("mes", database.Encode("mes", Encoding.UTF8.GetBytes("pw-mes"), superuser: true));
        return database;
    }

    [Fact]
    public async Task An_empty_chain_lets_everybody_in()
    {
        var outcome = await AuthenticationChain.Empty.AuthenticateAsync(Connect(null, null), CancellationToken.None);
        Assert.True(outcome.Allowed);
    }

    [Fact]
    public async Task The_built_in_database_allows_a_right_password_denies_a_wrong_one_and_ignores_a_stranger()
    {
        var chain = new AuthenticationChain([new AuthenticationStep(Users(), Long)]);

        var allowed = await chain.AuthenticateAsync(Connect("mes", "pw-mes"), CancellationToken.None);
        Assert.True(allowed.Allowed);
        Assert.True(allowed.IsSuperuser);

        var wrong = await chain.AuthenticateAsync(Connect("line1-press", "pw-2"), CancellationToken.None);
        Assert.False(wrong.Allowed);
        Assert.True(wrong.BadCredentials);
        Assert.Contains("wrong password", wrong.Detail, StringComparison.Ordinal);

        var none = await chain.AuthenticateAsync(Connect("line1-press", null), CancellationToken.None);
        Assert.True(none.BadCredentials);

        var stranger = await chain.AuthenticateAsync(Connect("visitor", "pw-1"), CancellationToken.None);
        Assert.False(stranger.Allowed);
        Assert.False(stranger.BadCredentials);
        Assert.Contains("ignored by password_based:built_in_database (unknown user)", stranger.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_by_client_id_are_found_by_the_client_id_not_the_username()
    {
        var chain = new AuthenticationChain([new AuthenticationStep(Users(byClientId: true), Long)]);
        Assert.True((await chain.AuthenticateAsync(Connect("anything", "pw-1", clientId: "line1-press"), CancellationToken.None)).Allowed);
        Assert.False((await chain.AuthenticateAsync(Connect("line1-press", "pw-1", clientId: "other"), CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task The_first_step_that_decides_wins_and_ignoring_steps_pass_the_client_on()
    {
        var chain = new AuthenticationChain(
        [
            new AuthenticationStep(new Fixed("first", AuthenticationResult.Ignore()), Long),
            new AuthenticationStep(Users(), Long),
            new AuthenticationStep(new Fixed("last", AuthenticationResult.Allow()), Long),
        ]);

        Assert.Contains("allowed by password_based", (await chain.AuthenticateAsync(Connect("mes", "pw-mes"), CancellationToken.None)).Detail, StringComparison.Ordinal);
        Assert.False((await chain.AuthenticateAsync(Connect("mes", "bad"), CancellationToken.None)).Allowed);
        Assert.Equal("allowed by last", (await chain.AuthenticateAsync(Connect("visitor", "x"), CancellationToken.None)).Detail);
    }

    [Theory]
    [InlineData(AuthenticationVerdict.Ignore, true)]
    [InlineData(AuthenticationVerdict.Deny, false)]
    public async Task A_step_that_hangs_or_throws_counts_as_its_failure_verdict_within_its_timeout(AuthenticationVerdict onFailure, bool nextAllows)
    {
        var chain = new AuthenticationChain(
        [
            new AuthenticationStep(new Hanging(), TimeSpan.FromMilliseconds(100), onFailure),
            new AuthenticationStep(new Throwing(), Long, onFailure),
            new AuthenticationStep(new Fixed("last", AuthenticationResult.Allow()), Long),
        ]);

        var outcome = await chain.AuthenticateAsync(Connect("u", "p"), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(nextAllows, outcome.Allowed);
        Assert.Contains(nextAllows ? "allowed by last" : "no answer within 100 ms", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Enhanced_authentication_goes_to_the_step_that_answers_its_method_only()
    {
        var sha256 = new ScramDatabase(ScramAlgorithm.Sha256, 16);
        var sha512 = new ScramDatabase(ScramAlgorithm.Sha512, 16);
        var chain = new AuthenticationChain([new AuthenticationStep(Users(), Long), new AuthenticationStep(sha256, Long), new AuthenticationStep(sha512, Long)]);

        Assert.Same(sha256, chain.EnhancedStep("SCRAM-SHA-256")?.Authenticator);
        Assert.Same(sha512, chain.EnhancedStep("SCRAM-SHA-512")?.Authenticator);
        Assert.Null(chain.EnhancedStep("SCRAM-SHA-1"));
        Assert.Null(chain.EnhancedStep("scram-sha-256"));
    }

    [Fact]
    public async Task An_enhanced_step_that_does_not_answer_in_time_or_throws_fails_the_exchange()
    {
        var hanging = new AuthenticationStep(new HangingEnhanced(), TimeSpan.FromMilliseconds(100));
        var throwing = new AuthenticationStep(new HangingEnhanced(throws: true), Long, AuthenticationVerdict.Ignore);

        var late = await AuthenticationChain.StartExchangeAsync(hanging, "n,,n=a,r=b"u8.ToArray(), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var failed = await AuthenticationChain.StartExchangeAsync(throwing, "n,,n=a,r=b"u8.ToArray(), CancellationToken.None);

        Assert.Equal((AuthExchangeStatus.Failure, AuthExchangeStatus.Failure), (late.Status, failed.Status));
        Assert.Contains("no answer within 100 ms", late.Detail, StringComparison.Ordinal);
        Assert.Contains("user store down", failed.Detail, StringComparison.Ordinal);
    }

    /// <summary>An enhanced authenticator whose user store never answers, or fails.</summary>
    private sealed class HangingEnhanced(bool throws = false) : IEnhancedAuthenticator
    {
        public string Name => "hanging-scram";

        public string Method => "SCRAM-SHA-256";

        public ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AuthenticationResult.Ignore());

        public async ValueTask<AuthExchangeStep> StartAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (throws)
            {
                throw new InvalidOperationException("user store down");
            }

            await Task.Delay(Timeout.Infinite, CancellationToken.None);
            return AuthExchangeStep.Failure(data, "unreachable");
        }
    }

    private sealed class Fixed(string name, AuthenticationResult result) : IAuthenticator
    {
        public string Name => name;

        public ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken) => ValueTask.FromResult(result);
    }

    /// <summary>A server that accepts the request and never answers, nor honours cancellation.</summary>
    private sealed class Hanging : IAuthenticator
    {
        public string Name => "hanging";

        public async ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
            return AuthenticationResult.Allow();
        }
    }

    private sealed class Throwing : IAuthenticator
    {
        public string Name => "throwing";

        public ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("connection refused");
    }
}
