using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Retained;
using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Core.Tests.Routing;

/// <summary>
/// The route table, dispatcher and retainer of node "n1" and the router made of them, with a clock that only moves
/// when a test moves it, and message helpers.
/// </summary>
internal sealed class RouterFixture
{
    /// <param name="retained">Where the retainer stores retained messages; memory only when null.</param>
    public RouterFixture(
        SharedSubscriptionStrategy strategy = SharedSubscriptionStrategy.Random, int seed = 7, RetainedMessagePersistence? retained = null, IRouteReplicator? replicator = null)
    {
        Routes = new RouteTable("n1", replicator);
        Dispatcher = new Dispatcher(Routes, strategy, Metrics, new Random(seed));
        Retainer = new Retainer(Clock, retained);
        Router = new Router(Routes, Dispatcher, Retainer, Clock, Metrics);
    }

    public static SubscriptionOptions QoS1 { get; } = new(QualityOfService.AtLeastOnce);

    public FixedClock Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));

    public BrokerMetrics Metrics { get; } = new();

    public RouteTable Routes { get; }

    public Dispatcher Dispatcher { get; }

    public Retainer Retainer { get; }

    public Router Router { get; }

    public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public RecordingSession Subscribe(string clientId, string filter, SubscriptionOptions? options = null, int subscriptionId = 0)
    {
        var session = new RecordingSession(clientId);
        Routes.Subscribe(clientId, session, filter, options ?? QoS1, subscriptionId);
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
