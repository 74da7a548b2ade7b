namespace Broker.Core.Security.Authentication;

/// <summary>An authenticator in the chain, with how long it may take and what a failure or a timeout of it counts as.</summary>
/// <param name="OnFailure">Ignore (ask the next step) or Deny: a source that is down or slow answers this, within <paramref name="Timeout"/>.</param>
public sealed record AuthenticationStep(IAuthenticator Authenticator, TimeSpan Timeout, AuthenticationVerdict OnFailure = AuthenticationVerdict.Ignore);
