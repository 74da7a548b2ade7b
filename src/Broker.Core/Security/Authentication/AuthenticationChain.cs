namespace Broker.Core.Security.Authentication;

/// <summary>
/// The configured authenticators, asked in order (EMQX's chain): the first that allows or denies decides; when every
/// one ignores the client, it is refused as not authorized. An empty chain allows everybody, as EMQX does with no
/// authenticator configured (the host warns about it at start). A step that throws or overruns its timeout counts as
/// its <see cref="AuthenticationStep.OnFailure"/>, so a dead LDAP or HTTP server costs each CONNECT at most the
/// timeout and holds no thread meanwhile.
/// </summary>
public sealed class AuthenticationChain : IDisposable
{
    public static readonly AuthenticationChain Empty = new([]);

    private readonly AuthenticationStep[] _steps;

    public AuthenticationChain(IEnumerable<AuthenticationStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = [.. steps];
    }

    public bool IsEmpty => _steps.Length == 0;

    /// <summary>Releases what the authenticators hold: HTTP connection pools, JWKS refresh timers.</summary>
    public void Dispose()
    {
        foreach (var step in _steps)
        {
            (step.Authenticator as IDisposable)?.Dispose();
        }
    }

    public IReadOnlyList<AuthenticationStep> Steps => _steps;

    public async ValueTask<ChainOutcome> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (_steps.Length == 0)
        {
            return new ChainOutcome(true, false, false, "no authenticator configured: anonymous access");
        }

        var ignored = new List<string>(_steps.Length);
        foreach (var step in _steps)
        {
            var result = await RunAsync(step, credentials, cancellationToken).ConfigureAwait(false);
            var name = step.Authenticator.Name;
            switch (result.Verdict)
            {
                case AuthenticationVerdict.Allow:
                    return new ChainOutcome(true, result.IsSuperuser, false, $"allowed by {name}", result.Acl, result.ExpiresAtMs);
                case AuthenticationVerdict.Deny:
                    return new ChainOutcome(false, false, true, $"denied by {name}: {result.Detail}");
                default:
                    ignored.Add(result.Detail is { } why ? $"{name} ({why})" : name);
                    break;
            }
        }

        return new ChainOutcome(false, false, false, $"no authenticator allowed it; ignored by {string.Join(", ", ignored)}");
    }

    /// <summary>
    /// The step that answers enhanced authentication with <paramref name="method"/> (the CONNECT's Authentication
    /// Method), or null when none does (CONNACK 0x8C). Only that step takes part in such a client's authentication.
    /// </summary>
    public AuthenticationStep? EnhancedStep(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return Array.Find(_steps, step => step.Authenticator is IEnhancedAuthenticator enhanced && enhanced.Method == method);
    }

    /// <summary>
    /// The first step of an enhanced authentication, within the step's timeout. A step that fails or overruns fails
    /// the exchange whatever its on_failure: no other step answers this method, so there is nobody to ask next.
    /// </summary>
    public static async ValueTask<AuthExchangeStep> StartExchangeAsync(AuthenticationStep step, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        var authenticator = (IEnhancedAuthenticator)step.Authenticator;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(step.Timeout);
        try
        {
            return await authenticator.StartAsync(data, timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AuthExchangeStep.Failure(ReadOnlyMemory<byte>.Empty, $"{authenticator.Name}: no answer within {step.Timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return AuthExchangeStep.Failure(ReadOnlyMemory<byte>.Empty, $"{authenticator.Name} failed: {FailureMessage.Of(e)}");
        }
    }

    private static async ValueTask<AuthenticationResult> RunAsync(AuthenticationStep step, Credentials credentials, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(step.Timeout);
        try
        {
            return await step.Authenticator.AuthenticateAsync(credentials, timeout.Token).AsTask()
                .WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(step, $"no answer within {step.Timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(step, $"failed: {FailureMessage.Of(e)}");
        }
    }

    private static AuthenticationResult Failed(AuthenticationStep step, string why) =>
        step.OnFailure == AuthenticationVerdict.Deny ? AuthenticationResult.Deny(why) : AuthenticationResult.Ignore(why);
}
