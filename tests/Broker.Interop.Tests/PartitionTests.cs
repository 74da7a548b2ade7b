using System.Net;
using System.Text.Json;
using Broker.Interop.Tests.Infrastructure;
using Broker.Tests;
using Npgsql;

namespace Broker.Interop.Tests;

/// <summary>
/// Partitions (issue 15): three broker processes, each in a network namespace of its own on a private bridge
/// (<see cref="NetnsNetwork"/>), keep_majority deciding 2 s after membership settles. A node cut off downs itself: its
/// clients are disconnected (DISCONNECT 0x8B), it refuses new ones (CONNACK Server unavailable) and /ready says 503,
/// while the other two stay Up and serve; during the cut a QoS 1 stream between the two carries on, and a checker lists
/// every acknowledged message that never arrived (none) and the duplicates. The nodes share one PostgreSQL database,
/// which each still reaches during the cut (<see cref="NetnsNetwork.StorageAddress"/>): persistent subscribers whose
/// sessions lived on the cut node are adopted by the majority, and, reconnecting there, get every message of the stream
/// too. Healed, the cut node rejoins by itself, with no operator, and a subscriber on it gets what is published on
/// another node.
/// </summary>
public sealed class PartitionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int ClusterPort = 4370;
    private const int StreamCount = 400;
    private const int CutSubscribers = 2;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Failure detection (5 s of acceptable heartbeat pause, ClusterHocon), stable_after (2 s), then the downing and
    // the stop of the actor system, on a machine shared with other tests.
    private static readonly TimeSpan DownedWithin = TimeSpan.FromSeconds(45);

    // A seed process retries every few seconds; then the join and the retained messages' snapshot.
    private static readonly TimeSpan RejoinedWithin = TimeSpan.FromSeconds(60);

    private readonly ClusterProcesses _cluster = new(output);
    private readonly List<TcpRelay> _relays = [];
    private PostgresBrokerDatabase? _database;
    private NetnsNetwork? _network;
    private int _disposed;

    private NetnsNetwork Network => _network ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // Whether or not the runner disposes a class whose start failed, nothing it made may be left behind.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        _network = NetnsNetwork.Create(output, 3);
        _database = await PostgresBrokerDatabase.CreateAsync();
        var server = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        var postgres = new IPEndPoint(IPAddress.Parse(server.Host!), server.Port);
        var seeds = string.Join(',', Enumerable.Range(0, 3).Select(i => $"{Network.Address(i)}:{ClusterPort}"));
        for (var i = 0; i < 3; i++)
        {
            var relay = TcpRelay.Start(Network.StorageAddress(i), postgres);
            _relays.Add(relay);
            var storage = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Host = relay.Endpoint.Address.ToString(), Port = relay.Endpoint.Port };
            var node = await BrokerProcess.StartOursInNamespaceAsync(Network.Namespaces[i],
                "--cluster.name=partition", "--cluster.discovery_strategy=static", $"--cluster.static.seeds={seeds}",
                $"--cluster.bind={Network.Address(i)}", $"--cluster.port={ClusterPort}", $"--node.name=n{i + 1}@{Network.Address(i)}",
                "--cluster.split_brain_resolver.stable_after=2s",
                "--persistence.backend=postgresql", $"--persistence.postgresql.connection_string={storage.ConnectionString}");
            _cluster.Add(node, Network.Namespaces[i]);
        }

        for (var i = 0; i < 3; i++)
        {
            await UntilMembersUpAsync(i, 3, Deadline);
        }
    }

    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            await _cluster.DisposeAsync();
        }
        finally
        {
            _network?.Dispose();
            foreach (var relay in _relays)
                await relay.DisposeAsync();
            if (_database is not null)
                await _database.DisposeAsync();
        }
    }

    [InteropFact(Tools.NetNs, Tools.Paho, Tools.MqttJs, Tools.MosquittoSub, Tools.MosquittoPub, Tools.Postgres, OursOnly = true, OwnBroker = true)]
    public async Task The_oldest_node_cut_off_downs_itself_and_rejoins_without_forming_a_cluster_of_its_own() =>
        await CutAndHealAsync(0, cutsBefore: 0);

    [InteropFact(Tools.NetNs, Tools.Paho, Tools.MqttJs, Tools.MosquittoSub, Tools.MosquittoPub, Tools.Postgres, OursOnly = true, OwnBroker = true)]
    public async Task A_node_cut_off_rejoins_by_itself_once_healed_and_again_after_a_second_cut()
    {
        // A node that is not the oldest: its first cut and heal is the plain case.
        await CutAndHealAsync(1, cutsBefore: 0);
        // The same node again: the incarnation that rejoined is downed and rejoins in turn.
        await CutAndHealAsync(1, cutsBefore: 1);
    }

    private async Task CutAndHealAsync(int cut, int cutsBefore)
    {
        var majority = Enumerable.Range(0, 3).Where(i => i != cut).ToArray();
        var (publishing, subscribing) = (majority[0], majority[1]);
        var topic = Names.Topic("partition");
        var publisherId = Names.ClientId("pub");

        // A 5.0 client of the node that will be cut off, told why when that node downs itself.
        var victim = _cluster.Clients[cut].MqttJs("graceful.js", "--url", _cluster.Nodes[cut].Endpoint.TcpUrl,
            "--client-id", Names.ClientId("victim"), "--timeout", "120");
        await victim.WaitForLineAsync(ClientEvent.Named("connected"), Deadline, "the cut node's client connected");

        // A persistent subscriber on one majority node for a QoS 1 stream from the other, reachable before the cut.
        var collector = _cluster.Clients[subscribing].Paho("collect.py", "--version", "311", "--client-id", Names.ClientId("collect"),
            "--topic", topic, "--qos", "1", "--publishers", publisherId, "--count", $"{StreamCount}", "--timeout", "120", "--persistent");
        await collector.WaitForLineAsync(ClientEvent.Named("subscribed"), Deadline, "the collector's SUBACK");
        // Persistent subscribers whose sessions wait, offline, on the node that will be cut off.
        var cutSubscriberId = Names.ClientId("cut-durable");
        await _cluster.Clients[cut].Paho("durable_clients.py", "--phase", "subscribe", "--clients", $"{CutSubscribers}",
            "--client-id", cutSubscriberId, "--topic", topic).ExpectSuccessAsync(Deadline);
        var watcher = await ClusterProbes.SubscribedAsync(_cluster.Clients[subscribing], "-t", topic);
        var cutWatcher = await ClusterProbes.SubscribedAsync(_cluster.Clients[cut], "-t", topic);
        await ClusterProbes.UntilReceivedAsync(_cluster.Clients[publishing], topic, watcher, cutWatcher);

        var cutLog = _cluster.Nodes[cut].Output;
        Network.Cut(cut);
        // Spread over about 12 s: through the failure detection, the downing, and after.
        var publisher = _cluster.Clients[publishing].Paho("publish_stream.py", "--version", "311", "--client-id", publisherId,
            "--topic", topic, "--qos", "1", "--count", $"{StreamCount}", "--interval-ms", "30", "--timeout", "90");

        // The cut node downs itself: clients told, new ones refused, not ready.
        await cutLog.WaitForLinesAsync(line => line.Contains("is no longer a member of its cluster", StringComparison.Ordinal),
            cutsBefore + 1, DownedWithin, "the cut node downed");
        var end = await victim.WaitForLineAsync(line => ClientEvent.NameOf(line) is "disconnect" or "closed", Deadline, "DISCONNECT or close");
        Assert.Equal("disconnect", ClientEvent.NameOf(end));
        Assert.Equal(0x8B, ClientEvent.Parse(end).GetProperty("reason_code").GetInt32());
        var refused = _cluster.Clients[cut].MosquittoPub("-V", "5", "-q", "1", "-t", topic, "-m", "refused");
        Assert.NotEqual(0, await refused.WaitForExitAsync(Deadline));
        var (status, reason) = await Network.HttpGetAsync(cut, $"http://{_cluster.Nodes[cut].Management}/ready");
        Assert.Equal(503, status);
        Assert.Contains("out of its cluster", reason, StringComparison.Ordinal);
        Assert.False(_cluster.Nodes[cut].HasExited);

        // The majority goes on: two members Up, and every acknowledged message of the stream arrived.
        await UntilMembersUpAsync(publishing, 2, DownedWithin);
        await publisher.ExpectSuccessAsync(TimeSpan.FromSeconds(100));
        var acknowledged = ClientEvent.Parse(await publisher.WaitForLineAsync(ClientEvent.Named("acknowledged"), Deadline, "all acknowledged"));
        Assert.Equal(StreamCount, acknowledged.GetProperty("count").GetInt32());
        var summary = ClientEvent.Parse(await collector.WaitForLineAsync(ClientEvent.Named("summary"), TimeSpan.FromSeconds(120), "the collector's summary"));
        output.WriteLine($"checker: {summary.GetProperty("received").GetInt32()} of {StreamCount} acknowledged arrived, missing {summary.GetProperty("missing").GetRawText()}, duplicates {summary.GetProperty("duplicates").GetInt32()}");
        Assert.Equal("[]", summary.GetProperty("missing").GetRawText());
        Assert.Equal(StreamCount, summary.GetProperty("received").GetInt32());

        // The cut node's persistent subscribers, adopted by the majority, reconnect there: the whole stream is theirs too.
        var adopted = _cluster.Clients[subscribing].Paho("durable_clients.py", "--phase", "collect", "--clients", $"{CutSubscribers}",
            "--client-id", cutSubscriberId, "--topic", topic, "--publishers", publisherId, "--count", $"{StreamCount}", "--timeout", "60");
        await adopted.ExpectSuccessAsync(TimeSpan.FromSeconds(150));
        DurableCollect.AssertEveryMessage(adopted, CutSubscribers, StreamCount, output, "subscriber of the cut node");

        // Healed: it rejoins by itself and serves again.
        Network.Heal(cut);
        await cutLog.WaitForLinesAsync(line => line.Contains("has rejoined its cluster", StringComparison.Ordinal),
            cutsBefore + 1, RejoinedWithin, "the cut node rejoined");
        foreach (var node in Enumerable.Range(0, 3))
            await UntilMembersUpAsync(node, 3, RejoinedWithin);
        Assert.Equal(200, (await Network.HttpGetAsync(cut, $"http://{_cluster.Nodes[cut].Management}/ready")).Status);
        var again = Names.Topic("partition-healed");
        var onHealed = await ClusterProbes.SubscribedAsync(_cluster.Clients[cut], "-q", "1", "-t", again);
        await ClusterProbes.UntilReceivedAsync(_cluster.Clients[publishing], again, onHealed);
        Assert.False(_cluster.Nodes[cut].HasExited);
    }

    /// <summary>Until node <paramref name="node"/>'s management endpoint shows exactly <paramref name="count"/> members, all Up.</summary>
    private async Task UntilMembersUpAsync(int node, int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var last = "";
        while (true)
        {
            var (status, body) = await Network.HttpGetAsync(node, $"http://{_cluster.Nodes[node].Management}/cluster/members");
            last = $"{status} {body}";
            if (status == 200)
            {
                var members = JsonDocument.Parse(body).RootElement.GetProperty("members").EnumerateArray()
                    .Select(m => m.GetProperty("status").GetString()).ToList();
                if (members.Count == count && members.All(s => s == "Up"))
                    return;
            }

            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not within {within.TotalSeconds} s: {count} Up members on node {node + 1}; last answer {last}");
            await Task.Delay(50);
        }
    }
}
