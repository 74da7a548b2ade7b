using System.Net;
using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Mqtt;

namespace Broker.Core.Tests.Security;

internal static class AclTestClients
{
    public static ClientInfo Client(string clientId = "c1", string? username = null, string? address = null, string? commonName = null) => new()
    {
        ClientId = clientId,
        Username = username,
        PeerHost = address is null ? null : IPAddress.Parse(address),
        CertCommonName = commonName,
    };

    public static AclDecision Publish(this AclFile acl, ClientInfo client, string topic, QualityOfService qos = QualityOfService.AtMostOnce, bool retain = false) =>
        acl.Check(client, AclAction.Publish, topic, qos, retain);

    public static AclDecision Subscribe(this AclFile acl, ClientInfo client, string filter, QualityOfService qos = QualityOfService.AtMostOnce) =>
        acl.Check(client, AclAction.Subscribe, filter, qos, retain: false);
}
