using Broker.Transport.Messaging;
using Broker.Transport.Mqtt;
using Broker.Transport.Mqtt.Packets;
using Broker.Transport.Mqtt.Properties;
using Broker.Transport.Routing;

namespace Broker.Transport.Tests.Routing;

/// <summary>A router on node "n1" with a clock that only moves when a test moves it, and message helpers.</summary>
internal sealed class RouterFixture
{
    public RouterFixture(SharedSubscriptionStrategy strategy = SharedSubscriptionStrategy.Random, int seed = 7)
    {
        Router = new Router("n1", strategy, Clock, Metrics, new Random(seed));
    }

    public static SubscriptionOptions QoS1 { get; } = new(QualityOfService.AtLeastOnce);

    public FixedClock Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));

    public BrokerMetrics Metrics { get; } = new();

    public Router Router { get; }

    public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public RecordingSession Subscribe(string clientId, string filter, SubscriptionOptions? options = null, int subscriptionId = 0)
    {
        var session = new RecordingSession(clientId);
        Router.Subscribe(clientId, session, filter, options ?? QoS1, subscriptionId);
        return session;
    }

    public ApplicationMessage Message(string topic, string payload = "p", string? publisher = "publisher", bool retain = false, uint? expirySeconds = null) => new()
    {
        Topic = topic,
        Payload = System.Text.Encoding.UTF8.GetBytes(payload),
        Retain = retain,
        PublisherId = publisher,
        ReceivedAtMs = NowMs,
        Properties = expirySeconds is { } seconds ? MqttProperties.Empty with { MessageExpiryInterval = seconds } : MqttProperties.Empty,
    };

    /// <summary>A TimeProvider whose time is set by the test.</summary>
    internal sealed class FixedClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;

        public void Advance(TimeSpan by) => Now += by;
    }
}
