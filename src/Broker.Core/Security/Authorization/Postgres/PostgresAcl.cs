using Broker.Mqtt;

namespace Broker.Core.Security.Authorization.Postgres;

/// <summary>
/// One client's rules from the authorization query, asked in row order, the first that matches deciding; none
/// matching is <see cref="AclDecision.NoMatch"/>, for the next source (<c>emqx_authz_postgresql:do_authorize</c>).
/// </summary>
internal sealed class PostgresAcl(IReadOnlyList<AclRule> rules, IReadOnlyList<string> problems) : IAuthorizationSource
{
    internal IReadOnlyList<AclRule> Rules => rules;

    /// <summary>Rows that did not read (each denies what reaches it), for the log.</summary>
    public IReadOnlyList<string> Problems => problems;

    public AclDecision Check(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain) =>
        AclRules.FirstMatch(rules, client, action, topic, qos, retain);
}
