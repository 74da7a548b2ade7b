using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Mqtt;

namespace Broker.Core.Tests.Security;

/// <summary>A source that answers what it is told and counts how often it was asked.</summary>
internal sealed class CountingSource(Func<AclAction, string, AclDecision> decide) : IAuthorizationSource
{
    public CountingSource(AclDecision always)
        : this((_, _) => always)
    {
    }

    public int Calls { get; private set; }

    public AclDecision Check(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain)
    {
        Calls++;
        return decide(action, topic);
    }
}
