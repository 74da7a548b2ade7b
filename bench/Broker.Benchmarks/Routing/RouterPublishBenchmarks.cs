using BenchmarkDotNet.Attributes;
using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Core.Retained;
using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Benchmarks.Routing;

/// <summary>
/// <see cref="Router.Publish"/> from the trie match to the last <see cref="Deliver"/> told, on
/// a small table: what a PUBLISH costs the router apart from the sessions. The subscribers' references drop what
/// they are told, so the figures are the router's own, <see cref="Deliver"/> records included.
/// <list type="bullet">
/// <item><c>OneSubscriber</c>: one client on the one matching filter, the common case;</item>
/// <item><c>FanOut</c>: 100 clients on one filter;</item>
/// <item><c>TwoFiltersTwoClients</c>: two matching filters, one client on each, nothing to merge;</item>
/// <item><c>Overlapping</c>: one client on three matching filters (<c>a/b/c</c>, <c>a/+/c</c>, <c>a/#</c>).</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class RouterPublishBenchmarks
{
    private Router _router = null!;
    private ApplicationMessage _message = null!;

    public enum Case
    {
        OneSubscriber,
        FanOut,
        TwoFiltersTwoClients,
        Overlapping,
    }

    [Params(Case.OneSubscriber, Case.FanOut, Case.TwoFiltersTwoClients, Case.Overlapping)]
    public Case Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var metrics = new BrokerMetrics();
        var routes = new RouteTable("n1");
        _router = new Router(
            routes, new Dispatcher(routes, SharedSubscriptionStrategy.Random, metrics), new Retainer(TimeProvider.System), TimeProvider.System, metrics);
        var qos1 = new SubscriptionOptions(QualityOfService.AtLeastOnce);
        switch (Subscribers)
        {
            case Case.OneSubscriber:
                _router.Subscribe("c1", DropAll.Instance, "a/b/c", qos1, 1);
                break;
            case Case.FanOut:
                for (var i = 0; i < 100; i++)
                {
                    _router.Subscribe($"c{i}", DropAll.Instance, "a/b/c", qos1, 1);
                }

                break;
            case Case.TwoFiltersTwoClients:
                _router.Subscribe("c1", DropAll.Instance, "a/b/c", qos1, 1);
                _router.Subscribe("c2", DropAll.Instance, "a/+/c", qos1, 2);
                break;
            case Case.Overlapping:
                _router.Subscribe("c1", DropAll.Instance, "a/b/c", qos1, 1);
                _router.Subscribe("c1", DropAll.Instance, "a/+/c", qos1, 2);
                _router.Subscribe("c1", DropAll.Instance, "a/#", qos1, 3);
                break;
        }

        _message = new ApplicationMessage { Topic = "a/b/c", Payload = new byte[16], QoS = QualityOfService.AtLeastOnce, PublisherId = "p" };
    }

    [Benchmark]
    public int Publish() => _router.Publish(_message);

    private sealed class DropAll : IActorRef
    {
        public static readonly DropAll Instance = new();

        public ActorPath Path { get; } = ActorPath.Parse("bench://router/user/sessions/drop");

        public void Tell(object message, IActorRef? sender = null)
        {
        }
    }
}
