namespace Broker.Core.Security.Authorization;

/// <summary>
/// The decision of a check that waited for a source (Allow or Deny, never NoMatch), and why the sources that could not
/// decide failed, for the log: each was passed over, as EMQX's <c>ignore</c>.
/// </summary>
public readonly record struct AuthorizationAnswer(AclDecision Decision, string? Failure);
