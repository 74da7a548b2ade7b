using System.Globalization;
using System.Text;
using Broker.Core.Security.Http;
using Broker.Mqtt;

namespace Broker.Core.Security.Authorization.Http;

/// <summary>
/// What the placeholders of one check stand for: who the client is (<see cref="CredentialValues"/>, without a password)
/// and what it asks, written as EMQX writes them (<c>emqx_authz_utils:vars_for_rule_query</c>).
/// </summary>
internal sealed class AccessTemplateValues(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain) : IHttpTemplateValues
{
    /// <summary>The names an authorization source's request may hold (EMQX's <c>ALLOWED_VARS</c> this broker can fill).</summary>
    public static readonly string[] Placeholders =
    [
        "username", "clientid", "peerhost", "cert_common_name", "cert_subject", "topic", "action", "qos", "retain", "access",
    ];

    private readonly CredentialValues _client = new(client);

    public byte[] Bytes(string placeholder) => Encoding.UTF8.GetBytes(Text(placeholder));

    public string Text(string placeholder) => placeholder switch
    {
        "topic" => topic,
        "action" => action == AclAction.Publish ? "publish" : "subscribe",
        "qos" => ((int)qos).ToString(CultureInfo.InvariantCulture),
        "retain" => retain ? "true" : "false",
        // EMQX 4's access: 1 subscribe, 2 publish, kept by EMQX 5 for the services written for it.
        "access" => action == AclAction.Publish ? "2" : "1",
        _ => _client.Text(CredentialPlaceholders.Named(placeholder)
            ?? throw new ArgumentOutOfRangeException(nameof(placeholder), placeholder, "not a placeholder of a check")),
    };
}
