using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// Stands in for a source that could not fetch a client's rules: EMQX's <c>backend_failure_result</c>, which denies
/// unless <c>ignore_backend_failures</c>, so that a database that is down never lets a later source or
/// <c>no_match = allow</c> grant what it would have refused.
/// </summary>
internal sealed class DenyAll : IAuthorizationSource
{
    public static readonly DenyAll Instance = new();

    public AclDecision Check(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain) => AclDecision.Deny;
}
