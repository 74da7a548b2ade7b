using Broker.Interop.Tests.Infrastructure;
using Broker.Tests;

namespace Broker.Interop.Tests;

/// <summary>
/// Sessions that outlive their node (issue 15): three nodes share one PostgreSQL database; persistent subscribers wait
/// offline on the third node, which is killed with SIGKILL. Once the split brain resolver has removed it, its sessions
/// are adopted by the others from the journal, take their routes back and queue what is published; the subscribers
/// reconnect to another node and get every acknowledged message: from before the kill, from a publisher that keeps
/// publishing through it (held while the node is unreachable, failed once it is removed until its sessions are adopted,
/// sent again by paho after each reconnect, so that in the end every one is acknowledged), and from after.
/// </summary>
public sealed class SessionSurvivalTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const int Subscribers = 5;
    private const int PerPublisher = 100;

    // 100 ms apart, so that the stream goes on from before the kill through the removal and the adoption (about 20 s).
    private const int Through = 250;
    private readonly ClusterProcesses _cluster = new(output);
    private PostgresBrokerDatabase? _database;
    private int[] _ports = [];

    public async Task InitializeAsync()
    {
        if (InteropSkip.Reason([Tools.Paho, Tools.Postgres], oursOnly: true, ownBroker: true) is not null)
            return;
        _database = await PostgresBrokerDatabase.CreateAsync();
        _ports = [UnassignedPorts.Next(), UnassignedPorts.Next(), UnassignedPorts.Next()];
        for (var i = 0; i < _ports.Length; i++)
        {
            _cluster.Add(await BrokerProcess.StartOursAsync(StaticCluster.NodeArgs("survive", _ports, i,
                "--persistence.backend=postgresql", $"--persistence.postgresql.connection_string={_database.ConnectionString}")));
        }
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        if (_database is not null)
            await _database.DisposeAsync();
    }

    [InteropFact(Tools.Paho, Tools.Postgres, OursOnly = true, OwnBroker = true)]
    public async Task Durable_sessions_of_a_killed_node_are_adopted_and_keep_every_acknowledged_message()
    {
        foreach (var node in _cluster.Nodes)
            await ClusterProbes.UntilMembersUpAsync(node, 3);
        var topic = Names.Topic("survive");
        var clientId = Names.ClientId("durable");
        var subscribe = _cluster.Clients[2].Paho("durable_clients.py", "--phase", "subscribe", "--clients", $"{Subscribers}",
            "--client-id", clientId, "--topic", topic);
        await subscribe.ExpectSuccessAsync(Deadline);
        // The route of the third node for the topic spreads by gossip: a probe goes until a watcher there has one.
        var watcher = await ClusterProbes.SubscribedAsync(_cluster.Clients[2], "-t", topic);
        await ClusterProbes.UntilReceivedAsync(_cluster.Clients[0], topic, watcher);

        // Before the kill: stored by the third node's sessions (sync durability: acknowledged once committed there).
        var before = Names.ClientId("before");
        await PublishAsync(0, before, topic);

        // Through the kill: a stream on the first node, killed once it reaches the third node's watcher.
        var through = Names.ClientId("through");
        var stream = _cluster.Clients[0].Paho("publish_stream.py", "--client-id", through, "--topic", topic, "--qos", "1",
            "--count", $"{Through}", "--interval-ms", "100", "--timeout", "120");
        await watcher.WaitForLineAsync(line => MosquittoSubLine.IsMessage(line) && MosquittoSubLine.Parse(line).Payload.StartsWith(through, StringComparison.Ordinal),
            Deadline, "the stream at the third node");

        var third = $"akka.tcp://survive@127.0.0.1:{_ports[2]}";
        _cluster.Nodes[2].Kill();
        await _cluster.Nodes[0].Output.WaitForLineAsync(line => line.Contains($"Cluster member removed: {third}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "node 3 removed");
        // Every session adopted by one of the two others, its routes written to both.
        using (var deadline = new CancellationTokenSource(Deadline))
        {
            while (_cluster.Nodes.Take(2).Sum(n => n.Output.Lines.Count(line => line.Contains("adopted from storage", StringComparison.Ordinal))) < Subscribers)
                await Task.Delay(50, deadline.Token);
        }

        // After the removal: the adopted sessions' routes are on the survivors, which queue for them.
        var after = Names.ClientId("after");
        await PublishAsync(1, after, topic);
        await stream.ExpectSuccessAsync(TimeSpan.FromSeconds(150));
        Assert.Contains(stream.Lines, line => ClientEvent.Named("acknowledged")(line));

        var collect = _cluster.Clients[1].Paho("durable_clients.py", "--phase", "collect", "--clients", $"{Subscribers}",
            "--client-id", clientId, "--topic", topic, "--publishers", $"{before},{through}={Through},{after}", "--count", $"{PerPublisher}", "--timeout", "30");
        await collect.ExpectSuccessAsync(TimeSpan.FromSeconds(200));
        DurableCollect.AssertEveryMessage(collect, Subscribers, 2 * PerPublisher + Through, output, "subscriber of the killed node");
    }

    private async Task PublishAsync(int node, string publisher, string topic)
    {
        var publish = _cluster.Clients[node].Paho("publish_stream.py", "--client-id", publisher, "--topic", topic, "--qos", "1",
            "--count", $"{PerPublisher}", "--timeout", "60");
        await publish.ExpectSuccessAsync(Deadline);
        Assert.Contains(publish.Lines, line => ClientEvent.Named("acknowledged")(line));
    }
}
