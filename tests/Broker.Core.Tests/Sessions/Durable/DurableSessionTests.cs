using Broker.Actors;
using Broker.Actors.Persistence;
using Broker.Actors.Persistence.Serialization;
using Broker.Actors.TestKit;
using Broker.Actors.TestKit.Persistence;
using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Journal;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Core.Tests.Sessions.Durable;

/// <summary>
/// Durable sessions on a real journal: each test runs one "node" (an actor system with a registry), stops it as
/// a crash would (nothing ended, nothing deleted), and starts another on the same database and clock.
/// </summary>
public abstract class DurableSessionTests(string kind) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _time = new();
    private TestStore? _store;
    private long _connectionIds;

    private TestStore Store => _store!;

    public async Task InitializeAsync() => _store = await TestStore.OpenAsync(kind);

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task A_durable_session_survives_a_restart_with_its_subscriptions_inflight_and_queued_messages_in_order()
    {
        await using (var node = await StartAsync())
        {
            var (connection, session) = node.Open("sub", expiry: 3600, receiveMaximum: 1);
            node.Subscribe(session, connection, "t/#");
            var commits = Enumerable.Range(1, 3).Select(i => node.Deliver(session, $"t/{i}")).ToList();
            Assert.Equal("t/1", connection.Next<PublishPacket>().Topic);
            node.AwaitCommitted(commits);
            session.Tell(new ClientDisconnected(connection, DisconnectKind.Abnormal));
            node.Stats(session);
        }

        await Store.ReopenAsync();
        await using var restarted = await StartAsync();
        Assert.Equal(new SessionsRecovered(1, 0), restarted.Recover());
        Assert.Contains(restarted.Router.Subscribed, s => s is { ClientId: "sub", Filter: "t/#", Durable: true });

        var (again, reopened) = restarted.Open("sub", expiry: 3600);

        Assert.True(again.Next<ConnAckPacket>().SessionPresent);
        var resent = again.Next<PublishPacket>();
        Assert.Equal(("t/1", true, QualityOfService.AtLeastOnce), (resent.Topic, resent.Dup, resent.QoS));
        Assert.Equal("t/2", again.Next<PublishPacket>().Topic);
        Assert.Equal("t/3", again.Next<PublishPacket>().Topic);
        Assert.Equal(3, restarted.Stats(reopened).Inflight);
    }

    [StoreFact]
    public async Task A_session_that_does_not_outlive_its_connection_touches_no_storage()
    {
        await using var node = await StartAsync();
        var before = Store.Journal.Statistics.Events;

        var (connection, session) = node.Open("telemetry", expiry: 0);
        node.Subscribe(session, connection, "t/#");
        node.Deliver(session, "t/1");
        connection.Next<PublishPacket>();
        session.Tell(new ClientDisconnected(connection, DisconnectKind.Normal));
        node.Stats(node.Open("other", expiry: 0).Session);

        Assert.Equal(before, Store.Journal.Statistics.Events);
        Assert.Empty(await Store.Journal.ReadPersistenceIdsAsync(SessionStorage.PersistenceIdPrefix));
    }

    [StoreFact]
    public async Task A_session_that_expires_while_the_broker_is_down_ends_at_recovery_and_its_rows_are_deleted()
    {
        await using (var node = await StartAsync())
        {
            var (connection, session) = node.Open("sub", expiry: 60);
            node.Subscribe(session, connection, "t/#");
            session.Tell(new ClientDisconnected(connection, DisconnectKind.Normal));
            node.Stats(session);
            await node.AwaitWritesAsync(Store);
        }

        _time.Advance(TimeSpan.FromSeconds(61));
        await Store.ReopenAsync();
        await using var restarted = await StartAsync();
        restarted.Recover();

        var (again, _) = restarted.Open("sub", expiry: 60);
        Assert.False(again.Next<ConnAckPacket>().SessionPresent);
        await EventuallyAsync(async () => (await Store.Journal.ReadPersistenceIdsAsync(SessionStorage.PersistenceIdPrefix)).Count <= 1);
    }

    [StoreFact]
    public async Task A_connection_lost_in_a_crash_publishes_its_will_after_the_restart()
    {
        await using (var node = await StartAsync())
        {
            var will = new WillMessage { Topic = "will/sub", Payload = "gone"u8.ToArray(), QoS = QualityOfService.AtLeastOnce };
            var (connection, session) = node.Open("sub", expiry: 3600, will: will);
            node.Subscribe(session, connection, "t/#");
            await node.AwaitWritesAsync(Store);
        }

        await Store.ReopenAsync();
        await using var restarted = await StartAsync();
        restarted.Recover();

        restarted.Router.WaitUntil(r => r.Published.Any(m => m.Topic == "will/sub"), "the will published");
        Assert.Equal("gone"u8.ToArray(), restarted.Router.Published.Single(m => m.Topic == "will/sub").Payload.ToArray());
    }

    [StoreFact]
    public async Task An_inbound_QoS_2_id_awaiting_PUBREL_survives_a_restart_so_the_resent_PUBLISH_is_not_routed_again()
    {
        await using (var node = await StartAsync())
        {
            var (connection, session) = node.Open("pub", expiry: 3600);
            connection.Next<ConnAckPacket>();
            session.Tell(new ClientPublish(connection, Message("t/once", QualityOfService.ExactlyOnce), 7));
            Assert.Equal(7, connection.Next<PubRecPacket>().PacketId);
            Assert.Single(node.Router.Published);
        }

        await Store.ReopenAsync();
        await using var restarted = await StartAsync();
        restarted.Recover();
        var (again, session2) = restarted.Open("pub", expiry: 3600);
        again.Next<ConnAckPacket>();

        session2.Tell(new ClientPublish(again, Message("t/once", QualityOfService.ExactlyOnce) , 7));

        Assert.Equal(7, again.Next<PubRecPacket>().PacketId);
        Assert.Empty(restarted.Router.Published);
        session2.Tell(new ClientAcknowledgement(again, new PubRelPacket { PacketId = 7 }));
        Assert.Equal(7, again.Next<PubCompPacket>().PacketId);
    }

    [StoreFact]
    public async Task When_storage_fails_the_delivery_is_not_committed_nor_sent_and_the_session_is_started_again_once_storage_returns()
    {
        await using var node = await StartAsync();
        var (connection, session) = node.Open("sub", expiry: 3600);
        node.Subscribe(session, connection, "t/#");
        node.AwaitCommitted([node.Deliver(session, "t/before")]);
        connection.Next<PublishPacket>();

        await Store.BreakAsync();
        var failed = node.Deliver(session, "t/lost");

        node.AwaitCommitted([failed]);
        Assert.True(failed.Failed);
        connection.WaitClosed();
        Assert.DoesNotContain(connection.Sent, p => p is PublishPacket { Topic: "t/lost" });
    }

    [StoreFact]
    public async Task A_connection_handed_to_a_session_that_stopped_before_taking_it_is_answered_once_the_session_is_started_again()
    {
        await using var node = await StartAsync();
        var (connection, session) = node.Open("sub", expiry: 3600);
        node.Subscribe(session, connection, "t/#");
        await Store.BreakAsync();
        node.AwaitCommitted([node.Deliver(session, "t/lost")]);
        connection.WaitClosed();

        // The AttachSession that was in the session's mailbox (or stash, while it was read back) when it stopped.
        var reconnect = node.AttachLostWithStoppedSession(session, "sub", expiry: 3600);
        await Store.RestoreAsync();

        // Restarts wait on the registry's back-off: time passes until the session is started again and answers.
        var deadline = DateTime.UtcNow + Timeout;
        while (!reconnect.Sent.OfType<ConnAckPacket>().Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "the reconnecting client was never answered");
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        node.ExpectOpened();
        Assert.False(reconnect.Closed, string.Join(", ", reconnect.Sent));
    }

    [StoreFact]
    public async Task A_session_whose_rows_cannot_be_read_back_is_logged_deleted_and_starts_empty_while_the_others_recover()
    {
        await using (var node = await StartAsync())
        {
            var (connection, session) = node.Open("good", expiry: 3600);
            node.Subscribe(session, connection, "t/#");
            await node.AwaitWritesAsync(Store);
        }

        var corrupt = SessionStorage.NewPersistenceId("bad");
        await Store.Journal.WriteAsync(new AtomicWrite(corrupt, [new JournalEntry(corrupt, 1, "mqtt.session.message-stored", [1, 3, 0xFF])]));
        await Store.ReopenAsync();
        await using var restarted = await StartAsync();

        Assert.Equal(new SessionsRecovered(1, 1), restarted.Recover());
        var (again, _) = restarted.Open("bad", expiry: 3600);
        Assert.False(again.Next<ConnAckPacket>().SessionPresent);
        await EventuallyAsync(async () => !(await Store.Journal.ReadPersistenceIdsAsync("session/bad/")).Contains(corrupt));
    }

    [StoreFact]
    public async Task Snapshots_replace_the_events_they_cover_and_recovery_starts_from_them()
    {
        await using (var node = await StartAsync(snapshotEvery: 5))
        {
            var (connection, session) = node.Open("sub", expiry: 3600);
            node.Subscribe(session, connection, "t/#");
            session.Tell(new ClientDisconnected(connection, DisconnectKind.Normal));
            node.AwaitCommitted(Enumerable.Range(1, 20).Select(i => node.Deliver(session, $"t/{i}")).ToList());
            var id = PersistenceIdOf(Store, "sub");
            await EventuallyAsync(async () => (await Store.Journal.ReplayAsync(id, 1, long.MaxValue, 100)).Count < 20);
        }

        await Store.ReopenAsync();
        await using var restarted = await StartAsync(snapshotEvery: 5);
        restarted.Recover();
        var (again, _) = restarted.Open("sub", expiry: 3600);
        again.Next<ConnAckPacket>();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"t/{i}"), Enumerable.Range(1, 20).Select(_ => again.Next<PublishPacket>().Topic));
    }

    private static string PersistenceIdOf(TestStore store, string clientId) =>
        store.Journal.ReadPersistenceIdsAsync($"session/{clientId}/").GetAwaiter().GetResult().Single();

    private async Task<Node> StartAsync(int snapshotEvery = 1000)
    {
        var system = ActorSystem.Create("node", ActorSystemSettings.Default with { TimeProvider = _time });
        Store.Install(system, SessionEventSerializer.RegisterAll(new EventSerializerRegistry()), new PersistenceSettings { SnapshotEvery = snapshotEvery });
        await Task.CompletedTask;
        return new Node(system, () => Interlocked.Increment(ref _connectionIds));
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            await Task.Delay(20);
        }
    }

    private static ApplicationMessage Message(string topic, QualityOfService qos) =>
        new() { Topic = topic, QoS = qos, Payload = "m"u8.ToArray(), PublisherId = "publisher" };

    private sealed class Node : IAsyncDisposable
    {
        private readonly ActorSystem _system;
        private readonly Func<long> _nextConnectionId;
        private readonly TestProbe _client;
        private readonly TestProbe _publisher;
        private readonly HashSet<PublishCommit> _completedAtSeal = [];

        public Node(ActorSystem system, Func<long> nextConnectionId)
        {
            _system = system;
            _nextConnectionId = nextConnectionId;
            Registry = system.ActorOf(
                SessionRegistry.Props(Router, MqttSettings.Default, new BrokerMetrics(), NullLoggerFactory.Instance, new SessionStorage(SessionDurability.Sync)),
                "sessions");
            _client = new TestProbe(system, Timeout, "client");
            _publisher = new TestProbe(system, Timeout, "publisher");
        }

        public RecordingRouter Router { get; } = new();

        public IActorRef Registry { get; }

        public SessionsRecovered Recover()
        {
            _client.Send(Registry, RecoverSessions.Instance);
            return _client.ExpectMsg<SessionsRecovered>();
        }

        public (RecordingConnection Connection, IActorRef Session) Open(
            string clientId, uint expiry, ushort receiveMaximum = ushort.MaxValue, WillMessage? will = null)
        {
            var connection = new RecordingConnection(_nextConnectionId());
            var request = new ConnectRequest
            {
                ClientId = clientId,
                ProtocolVersion = MqttProtocolVersion.V500,
                SessionExpirySeconds = expiry,
                ReceiveMaximum = receiveMaximum,
                Will = will,
            };
            _client.Send(Registry, new OpenSession(request, connection, new ConnAckPacket()));
            return (connection, _client.ExpectMsg<SessionOpened>().Session);
        }

        /// <summary>What the dead letters say when a session stopped with a client's AttachSession not yet taken.</summary>
        public RecordingConnection AttachLostWithStoppedSession(IActorRef stopped, string clientId, uint expiry)
        {
            var connection = new RecordingConnection(_nextConnectionId());
            var request = new ConnectRequest { ClientId = clientId, ProtocolVersion = MqttProtocolVersion.V500, SessionExpirySeconds = expiry };
            var attach = new AttachSession(new OpenSession(request, connection, new ConnAckPacket()), SessionPresent: true, _client.Ref);
            _system.EventStream.Publish(new DeadLetter(attach, Registry, stopped));
            return connection;
        }

        public SessionOpened ExpectOpened() => _client.ExpectMsg<SessionOpened>();

        public void Subscribe(IActorRef session, RecordingConnection connection, string filter)
        {
            var packet = new SubscribePacket { PacketId = 50, Subscriptions = [new(filter, new SubscriptionOptions(QualityOfService.AtLeastOnce))] };
            session.Tell(new ClientSubscribe(connection, packet, []));
            while (connection.Next<MqttPacket>() is not SubAckPacket)
            {
            }
        }

        /// <summary>
        /// A QoS 1 delivery whose commit the publisher probe is told of, as the router routes it: told, then sealed. A
        /// session that has already left it by then (its write failed at once) completes it at the seal, and then
        /// nobody is told: it counts as told.
        /// </summary>
        public PublishCommit Deliver(IActorRef session, string topic)
        {
            var commit = new PublishCommit(_publisher.Ref, waitsForStorage: true).Begin(1);
            commit.Join();
            session.Tell(new Deliver(Message(topic, QualityOfService.AtLeastOnce), "t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce), 0, null)
            {
                Commit = commit,
            });
            if (commit.Seal())
            {
                _completedAtSeal.Add(commit);
            }

            return commit;
        }

        public void AwaitCommitted(IReadOnlyList<PublishCommit> commits)
        {
            var done = new HashSet<PublishCommit>(commits.Where(_completedAtSeal.Contains));
            while (done.Count < commits.Count)
            {
                done.Add(_publisher.ExpectMsg<PublishCommit>());
            }
        }

        public SessionStats Stats(IActorRef session)
        {
            _client.Send(session, GetSessionStats.Instance);
            return _client.ExpectMsg<SessionStats>();
        }

        /// <summary>Everything the sessions wrote so far is committed: a probe write queued behind it completes.</summary>
        public async Task AwaitWritesAsync(TestStore store)
        {
            var probe = "probe/" + Guid.NewGuid().ToString("N");
            await store.Journal.WriteAsync(new AtomicWrite(probe, [new JournalEntry(probe, 1, "probe", [0])]));
            await store.Journal.PurgeAsync(probe);
        }

        public async ValueTask DisposeAsync() => await _system.DisposeAsync();
    }
}

public sealed class SqliteDurableSessionTests() : DurableSessionTests("sqlite");

[RequiresPostgres]
public sealed class PostgresDurableSessionTests() : DurableSessionTests("postgresql");
