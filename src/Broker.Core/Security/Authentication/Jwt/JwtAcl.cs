using Broker.Core.Security.Authorization;
using Broker.Mqtt;

namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>
/// The rules of a token's <c>acl</c> claim (EMQX's <c>emqx_authz_client_info</c>), asked in order, first match
/// decides. What a request that matches none gets depends on the claim's format, as in EMQX: the old
/// <c>{"pub": [...], "sub": [...], "all": [...]}</c> lists what is allowed, so anything else is denied; the new list
/// of rules answers <see cref="AclDecision.NoMatch"/> and lets the configured sources decide. Once the token's
/// <c>exp</c> has passed, every request is denied.
/// </summary>
internal sealed class JwtAcl(IReadOnlyList<AclRule> rules, AclDecision noMatch, long? expiresAt, TimeProvider time) : IAuthorizationSource
{
    internal IReadOnlyList<AclRule> Rules => rules;

    internal AclDecision NoMatchDecision => noMatch;

    public AclDecision Check(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(topic);
        if (expiresAt is { } exp && time.GetUtcNow().ToUnixTimeSeconds() > exp)
        {
            return AclDecision.Deny;
        }

        var decision = AclRules.FirstMatch(rules, client, action, topic, qos, retain);
        return decision == AclDecision.NoMatch ? noMatch : decision;
    }
}
