using System.Text;
using Broker.Actors.Persistence;
using Broker.Actors.Persistence.Sqlite;
using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Retained;
using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Tests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Cluster.Tests;

/// <summary>
/// One broker node as the host wires it: the cluster, a route table attached to it, a dispatcher that forwards and
/// receives, and a retainer (on a SQLite file when given one, as the node's own database) attached once loaded.
/// </summary>
internal sealed class TestNode : IAsyncDisposable
{
    private readonly SqliteDatabase? _database;
    private readonly IDurableStateStore? _store;
    private int _disposed;

    private TestNode(BrokerCluster cluster, Retainer retainer, SqliteDatabase? database, IDurableStateStore? store, bool receive)
    {
        Cluster = cluster;
        Retainer = retainer;
        _database = database;
        _store = store;
        Routes = new RouteTable(cluster.NodeName, cluster.Routes);
        Dispatcher = new Dispatcher(Routes, SharedSubscriptionStrategy.RoundRobin, new BrokerMetrics(), forwarder: cluster.Forwarder);
        cluster.Routes.Attach(Routes);
        if (receive)
        {
            cluster.StartReceiving(Dispatcher, commitsWaitForStorage: false);
        }
    }

    public BrokerCluster Cluster { get; }

    public RouteTable Routes { get; }

    public Dispatcher Dispatcher { get; }

    public Retainer Retainer { get; }

    public string Name => Cluster.NodeName;

    /// <param name="retainedFile">A SQLite file the retained messages are stored in; null keeps them in memory.</param>
    /// <param name="receive">False: messages forwarded here wait unanswered, as at a node that hangs.</param>
    public static async Task<TestNode> StartAsync(ClusterSettings settings, string? retainedFile = null, ILoggerFactory? logs = null, bool receive = true)
    {
        var cluster = await BrokerCluster.StartAsync(settings, logs ?? NullLoggerFactory.Instance);
        var database = retainedFile is null ? null : SqliteDatabase.Open(new SqliteStoreOptions(retainedFile));
        var store = database is null ? null : new SqliteDurableStateStore(database);
        var retainer = new Retainer(TimeProvider.System, store is null ? null : new RetainedMessagePersistence(store), cluster.Retained);
        await retainer.LoadAsync();
        cluster.Retained.Attach(retainer);
        return new TestNode(cluster, retainer, database, store, receive);
    }

    /// <summary>
    /// Two nodes Up in a cluster of their own, the second one hung (<paramref name="receive"/> false: what is forwarded to
    /// it waits unanswered), the first giving up on it after a stall timeout of 1 s.
    /// </summary>
    public static async Task<(TestNode Node, TestNode Hung)> StartWithHungAsync(string clusterName)
    {
        var ports = new[] { UnassignedPorts.Next(), UnassignedPorts.Next() };
        var settings = new ClusterSettings
        {
            Name = clusterName,
            Bind = "127.0.0.1",
            Seeds = [$"127.0.0.1:{ports[0]}"],
            ForwardStallTimeout = TimeSpan.FromSeconds(1),
        };
        var node = await StartAsync(settings with { Port = ports[0] });
        var hung = await StartAsync(settings with { Port = ports[1] }, receive: false);
        await Eventually.True(() => node.Cluster.Members.Members.Count(m => m.Status == ClusterMemberStatus.Up) == 2, "both Up");
        return (node, hung);
    }

    /// <summary>A subscriber that is never delivered to here: for tests that look at routes, not at sessions.</summary>
    /// <param name="durable">As a session kept in storage: the filter gets this node's durable route too.</param>
    public void Subscribe(string clientId, string filter, bool durable = false) =>
        Routes.Subscribe(clientId, new NoSession(clientId), filter, new SubscriptionOptions(QualityOfService.AtLeastOnce), 0, durable);

    /// <summary>A subscriber whose deliveries the test reads; <paramref name="full"/> makes it join every QoS 1/2 commit.</summary>
    public Inbox Listen(string clientId, string filter, bool full = false)
    {
        var inbox = new Inbox(clientId, full);
        Routes.Subscribe(clientId, inbox, filter, new SubscriptionOptions(QualityOfService.AtLeastOnce), 0, room: inbox);
        return inbox;
    }

    public void Unsubscribe(string clientId, string filter) => Routes.Unsubscribe(clientId, filter);

    public bool HasRoute(string filter, string node) => Routes.Nodes.Find(filter)?.HasNode(node) == true;

    /// <summary>
    /// A PUBLISH with RETAIN on this node, as the router hands it to the retainer; an empty payload deletes. Completes
    /// when stored (at once without a file).
    /// </summary>
    public Task Retain(string topic, string payload, uint? expirySeconds = null, long? receivedAtMs = null) =>
        Retainer.Store(new ApplicationMessage
        {
            Topic = topic,
            Payload = Encoding.UTF8.GetBytes(payload),
            Retain = true,
            QoS = QualityOfService.AtLeastOnce,
            ReceivedAtMs = receivedAtMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Properties = expirySeconds is { } seconds ? new Mqtt.Properties.MqttProperties { MessageExpiryInterval = seconds } : Mqtt.Properties.MqttProperties.Empty,
        }) ?? Task.CompletedTask;

    /// <summary>The payload a new subscription to <paramref name="topic"/> would be given here; null when none.</summary>
    public string? RetainedPayload(string topic) =>
        Retainer.Match(topic) is [var message] ? Encoding.UTF8.GetString(message.Payload.Span) : null;

    /// <summary>Stops the node; again does nothing (a test may stop a node its cluster stops too).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Cluster.DisposeAsync();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
