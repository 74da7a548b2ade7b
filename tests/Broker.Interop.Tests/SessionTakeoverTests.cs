using System.Text.Json;
using Broker.Interop.Tests.Infrastructure;
using Broker.Tests;

namespace Broker.Interop.Tests;

/// <summary>
/// One live session per client id in a cluster of three processes (issue 15): a persistent session moves between
/// every pair of nodes while a publisher keeps publishing to it, and keeps every acknowledged message, once at QoS 2;
/// two CONNECTs of one client id on two nodes at once leave one connection.
/// </summary>
public sealed class SessionTakeoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    // Every ordered pair of the three nodes once: 1>2, 2>3, 3>1, 1>3, 3>2, 2>1.
    private const string EveryPair = "0,1,2,0,2,1,0";

    private readonly ClusterProcesses _cluster = new(output);

    public async Task InitializeAsync()
    {
        int[] ports = [UnassignedPorts.Next(), UnassignedPorts.Next(), UnassignedPorts.Next()];
        for (var i = 0; i < ports.Length; i++)
        {
            _cluster.Add(await BrokerProcess.StartOursAsync(StaticCluster.NodeArgs("takeover", ports, i)));
        }
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private string MqttPorts => string.Join(',', _cluster.Nodes.Select(n => n.Endpoint.Port));

    /// <summary>
    /// Eight clients at once, each its own session moved through all six ordered pairs of nodes while its own publisher
    /// on the first node publishes every 10 ms: python paho and MQTT.js, MQTT 3.1.1 and 5.0, QoS 1 and 2.
    /// </summary>
    [InteropFact(Tools.Paho, Tools.MqttJs, OursOnly = true, OwnBroker = true)]
    public async Task Sessions_moved_between_every_pair_of_nodes_keep_every_acknowledged_message()
    {
        await UntilMembersUpAsync();
        var urls = string.Join(',', _cluster.Nodes.Select(n => $"mqtt://{n.Endpoint.Host}:{n.Endpoint.Port}"));
        var movers = new List<(CapturedProcess Process, int QoS)>();
        foreach (var (version, jsVersion) in new[] { ("311", "4"), ("5", "5") })
        {
            foreach (var qos in new[] { 1, 2 })
            {
                movers.Add((_cluster.Clients[0].Paho("takeover.py", "--version", version, "--client-id", Names.ClientId($"paho{version}q{qos}"),
                    "--ports", MqttPorts, "--path", EveryPair, "--topic", Names.Topic("takeover"), "--qos", $"{qos}",
                    "--interval-ms", "10", "--timeout", "30"), qos));
                movers.Add((_cluster.Clients[0].MqttJs("takeover.js", "--urls", urls, "--version", jsVersion,
                    "--client-id", Names.ClientId($"js{jsVersion}q{qos}"), "--path", EveryPair, "--topic", Names.Topic("takeover"),
                    "--qos", $"{qos}", "--interval-ms", "10", "--timeout", "60"), qos));
            }
        }

        foreach (var (mover, qos) in movers)
        {
            await mover.ExpectSuccessAsync(Deadline);
            var hops = mover.Lines.Where(ClientEvent.Named("hop")).Select(ClientEvent.Parse).ToList();
            var summary = mover.Lines.Single(ClientEvent.Named("summary"));
            output.WriteLine($"checker, QoS {qos} mover: {summary}");
            Assert.True(hops.Count == 7, $"7 connections, one a hop: {string.Join(' ', hops)}");
            Assert.True(hops.Skip(1).All(hop => hop.GetProperty("session_present").GetBoolean()), $"the session moved with its client: {string.Join(' ', hops)}");
            try
            {
                AssertNoneLost(ClientEvent.Parse(summary), qos);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"QoS {qos} mover: {e.Message} -- {summary}");
            }
        }
    }

    private static bool IsDup(JsonElement flag) =>
        flag.ValueKind == JsonValueKind.True || (flag.ValueKind == JsonValueKind.Number && flag.GetInt32() == 1);

    private static void AssertNoneLost(JsonElement summary, int qos)
    {
        Assert.True(summary.GetProperty("acknowledged").GetInt32() > 300, "the publisher kept publishing through the moves");
        Assert.Equal("[]", summary.GetProperty("missing").GetRawText());
        if (qos == 2)
            Assert.Equal(0, summary.GetProperty("duplicates").GetInt32());

        // At QoS 1 a message comes twice only as a resend: unacknowledged on the old connection, sent again with DUP on
        // the new one [MQTT-4.4.0-1]; never as a second delivery. Each connection is read by a thread or socket of its
        // own in the client, so the old connection's copy may be handled after the new one's: order says nothing.
        foreach (var twice in summary.GetProperty("twice").EnumerateArray())
        {
            var arrivals = twice.GetProperty("arrivals").EnumerateArray().ToList();
            Assert.True(arrivals.Count(a => !IsDup(a[1])) <= 1, $"message {twice.GetProperty("payload")} delivered twice without DUP: {twice}");
        }
    }

    /// <summary>The session's owner entities need every node Up: a claim made before waits for the shard coordinator.</summary>
    private async Task UntilMembersUpAsync()
    {
        foreach (var node in _cluster.Nodes)
            await ClusterProbes.UntilMembersUpAsync(node, 3);
    }
}
