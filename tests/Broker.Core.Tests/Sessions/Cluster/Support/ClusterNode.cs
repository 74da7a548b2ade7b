using Broker.Actors;
using Broker.Actors.TestKit;
using Broker.Core.Messaging;
using Broker.Core.Retained;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Cluster;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Core.Tests.Sessions.Cluster.Support;

/// <summary>
/// One broker node for the session move tests: its own actor system on the clock all nodes share, its own route
/// table, dispatcher, retainer and router, and its session registry joined to a <see cref="PeerNetwork"/>.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static long _connectionIds;
    private readonly ActorSystem _system;
    private readonly TestProbe _probe;

    public ClusterNode(string name, ManualTimeProvider time, PeerNetwork network, bool attach = true)
    {
        Name = name;
        _system = ActorSystem.Create(name, ActorSystemSettings.Default with { TimeProvider = time });
        Routes = new RouteTable(name);
        Dispatcher = new Dispatcher(Routes, SharedSubscriptionStrategy.Random, Metrics, new Random(7));
        Router = new Router(Routes, Dispatcher, new Retainer(time), time, Metrics);
        Registry = _system.ActorOf(SessionRegistry.Props(Router, MqttSettings.Default, Metrics, NullLoggerFactory.Instance), "sessions");
        Peers = network.Join(name, Registry);
        _probe = NewProbe("probe");
        if (attach)
        {
            Attach();
        }
    }

    public string Name { get; }

    public BrokerMetrics Metrics { get; } = new();

    public RouteTable Routes { get; }

    public Dispatcher Dispatcher { get; }

    public Router Router { get; }

    public IActorRef Registry { get; }

    public FakeSessionPeers Peers { get; }

    public void Attach() => Registry.Tell(new AttachSessionPeers(Peers));

    public TestProbe NewProbe(string? name = null) => new(_system, Timeout, name);

    /// <summary>Sends a CONNECT's request to the registry; its <see cref="SessionOpened"/> goes to the returned probe.</summary>
    public Pending Connect(
        string clientId, bool cleanStart = false, uint expiry = 3600, WillMessage? will = null, ushort receiveMaximum = ushort.MaxValue)
    {
        var connection = new RecordingConnection(Interlocked.Increment(ref _connectionIds));
        var request = new ConnectRequest
        {
            ClientId = clientId,
            ProtocolVersion = MqttProtocolVersion.V500,
            CleanStart = cleanStart,
            SessionExpirySeconds = expiry,
            Will = will,
            ReceiveMaximum = receiveMaximum,
        };
        var probe = NewProbe("connect-" + connection.Id);
        probe.Send(Registry, new OpenSession(request, connection, new ConnAckPacket()));
        return new Pending(connection, probe);
    }

    /// <summary>A CONNECT that is expected to open at once; the CONNACK is read off the connection.</summary>
    public (RecordingConnection Connection, SessionOpened Opened, ConnAckPacket ConnAck) Open(
        string clientId, bool cleanStart = false, uint expiry = 3600, WillMessage? will = null, ushort receiveMaximum = ushort.MaxValue)
    {
        var pending = Connect(clientId, cleanStart, expiry, will, receiveMaximum);
        var opened = pending.Opened();
        return (pending.Connection, opened, pending.Connection.Next<ConnAckPacket>());
    }

    public SessionStats Stats(IActorRef session)
    {
        _probe.Send(session, GetSessionStats.Instance);
        return _probe.ExpectMsg<SessionStats>();
    }

    /// <summary>Whether the registry holds a live session of the client id, as it answers a new owner entity.</summary>
    public bool Holds(string clientId)
    {
        _probe.Send(Registry, new HoldsSession(clientId));
        return _probe.ExpectMsg<SessionHeld>().Held;
    }

    public void Watch(IActorRef actor) => _probe.Watch(actor);

    public void ExpectTerminated(IActorRef actor) => _probe.ExpectTerminated(actor);

    /// <summary>The session serving the client id in this node's route table for <paramref name="filter"/>, or null.</summary>
    public IActorRef? RoutedSession(string clientId, string filter) => Routes.FindSubscription(clientId, filter)?.Session;

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    public sealed record Pending(RecordingConnection Connection, TestProbe Probe)
    {
        public SessionOpened Opened() => Probe.ExpectMsg<SessionOpened>();
    }
}
