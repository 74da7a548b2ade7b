using System.Collections.Concurrent;
using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Mqtt;

namespace Broker.Transport.Tests.Channels.Support;

/// <summary>
/// A source that needs I/O, as an HTTP service is: each check the client's cache misses is asked of it and answered by
/// <paramref name="answer"/>, at once or when the test completes the task it returned. It records what it was asked.
/// </summary>
internal sealed class ServiceSource(Func<AclAction, string, ValueTask<AclDecision>> answer) : IAsyncAuthorizationSource
{
    public ServiceSource(Func<AclAction, string, AclDecision> decide)
        : this((action, topic) => ValueTask.FromResult(decide(action, topic)))
    {
    }

    public ConcurrentQueue<string> Asked { get; } = new();

    public ValueTask<AclDecision> CheckAsync(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain, CancellationToken cancellationToken)
    {
        Asked.Enqueue(topic);
        return answer(action, topic);
    }
}
