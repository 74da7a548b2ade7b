using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// Three broker processes on loopback joined through static seeds (issue 14): a message published on one node reaches
/// mosquitto_sub subscribers on the others, once each, at every QoS.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProbeWait = TimeSpan.FromMilliseconds(250);
    private readonly List<BrokerProcess> _nodes = [];
    private readonly List<Clients> _clients = [];
    private int[] _clusterPorts = [];

    public async Task InitializeAsync()
    {
        var ports = _clusterPorts = [FreePort.Next(), FreePort.Next(), FreePort.Next()];
        var seeds = string.Join(',', ports.Select(p => $"127.0.0.1:{p}"));
        for (var i = 0; i < ports.Length; i++)
        {
            var node = await BrokerProcess.StartOursAsync(
                "--cluster.name=interop", "--cluster.discovery_strategy=static", $"--cluster.static.seeds={seeds}",
                "--cluster.bind=127.0.0.1", $"--cluster.port={ports[i]}", $"--node.name=n{i + 1}@127.0.0.1");
            _nodes.Add(node);
            _clients.Add(new Clients(output, node.Endpoint));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var clients in _clients)
            clients.Dispose();
        foreach (var node in _nodes)
        {
            output.WriteLine($"--- node log (pid {node.Pid}) ---");
            foreach (var line in node.Output.TranscriptSince(0))
                output.WriteLine(line);
            await node.DisposeAsync();
        }
    }

    [InteropTheory(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_publish_on_one_node_reaches_subscribers_on_the_others_once(int qos)
    {
        const int messages = 20;
        var topic = Names.Topic("cluster");
        var onSecond = await SubscribedAsync(_clients[1], "-q", $"{qos}", "-t", topic);
        // A wildcard filter [MQTT-4.7.1-2]: "topic/#" matches "topic" itself.
        var onThird = await SubscribedAsync(_clients[2], "-q", $"{qos}", "-t", $"{topic}/#");

        // A route spreads to the other nodes within moments of the SUBACK (ARCHITECTURE.md, "Where the cluster plugs
        // in"): a probe goes until both subscribers have had one, then the messages follow.
        await UntilBothReceiveAsync(onSecond, onThird, topic, qos);
        var publisher = _clients[0].MosquittoPub("-q", $"{qos}", "-t", topic, "-l");
        for (var i = 0; i < messages; i++)
            await publisher.Input.WriteLineAsync($"message {i}");
        // Last from the same publisher: a copy of any message before it, sent twice, reaches a subscriber before it.
        await publisher.Input.WriteLineAsync(End);
        publisher.Input.Close();
        await publisher.ExpectSuccessAsync(Deadline);

        foreach (var sub in new[] { onSecond, onThird })
        {
            await sub.WaitForLineAsync(line => MosquittoSubLine.IsMessage(line) && Payload(line) == End, Deadline, "the last message");
            Assert.Equal(Enumerable.Range(0, messages).Select(i => $"message {i}"), sub.Lines.Where(IsMessageLine).Select(Payload));
        }
    }

    [InteropFact(OursOnly = true, OwnBroker = true)]
    public async Task Every_node_shows_the_three_members_Up_at_its_management_endpoint()
    {
        foreach (var node in _nodes)
        {
            var members = await ClusterProbes.UntilMembersUpAsync(node, 3);
            Assert.Equal(_clusterPorts.Select(p => $"akka.tcp://interop@127.0.0.1:{p}").Order(StringComparer.Ordinal), members.Keys.Order(StringComparer.Ordinal));
        }
    }

    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task A_node_that_leaves_disconnects_its_clients_and_the_others_go_on_as_two()
    {
        foreach (var node in _nodes)
            await ClusterProbes.UntilMembersUpAsync(node, 3);
        var topic = Names.Topic("leave");
        var onLeaving = await ClusterProbes.SubscribedAsync(_clients[2], "-V", "5", "-t", topic);
        var onSecond = await ClusterProbes.SubscribedAsync(_clients[1], "-t", topic);

        var ctl = await _nodes[2].CtlAsync(output, "cluster", "leave");

        Assert.True(ctl.ExitCode == 0, ctl.Describe());
        Assert.StartsWith($"Leaving akka.tcp://interop@127.0.0.1:{_clusterPorts[2]}", Assert.Single(ctl.Lines), StringComparison.Ordinal);
        // mosquitto_sub prints the reason of the server's DISCONNECT: 0x8B, Server shutting down.
        await onLeaving.WaitForLineAsync(l => l.Contains("Received DISCONNECT (139)", StringComparison.Ordinal), Deadline, "DISCONNECT 0x8B");
        Assert.Equal(0, await _nodes[2].WaitForExitAsync(Deadline));
        foreach (var node in _nodes.Take(2))
        {
            var members = await ClusterProbes.UntilMembersUpAsync(node, 2);
            Assert.DoesNotContain($"akka.tcp://interop@127.0.0.1:{_clusterPorts[2]}", members.Keys);
        }

        await ClusterProbes.UntilReceivedAsync(_clients[0], topic, onSecond);
    }

    private const string Probe = "probe";
    private const string End = "end";

    private static string Payload(string line) => MosquittoSubLine.Parse(line).Payload;

    private static bool IsMessageLine(string line) => MosquittoSubLine.IsMessage(line) && Payload(line) is not (Probe or End);

    private async Task UntilBothReceiveAsync(CapturedProcess first, CapturedProcess second, string topic, int qos)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!(HasProbe(first) && HasProbe(second)))
        {
            deadline.Token.ThrowIfCancellationRequested();
            var marks = (first.TranscriptCount, second.TranscriptCount);
            await _clients[0].MosquittoPub("-q", $"{qos}", "-t", topic, "-m", Probe).ExpectSuccessAsync(Deadline);
            // Another probe once the one that got through has been printed, or when none did for a moment (a route
            // not spread yet).
            await Task.WhenAll(
                HasProbe(first) ? Task.CompletedTask : first.WaitForOutputAfterAsync(marks.Item1, ProbeWait),
                HasProbe(second) ? Task.CompletedTask : second.WaitForOutputAfterAsync(marks.Item2, ProbeWait));
        }

        static bool HasProbe(CapturedProcess sub) => sub.Lines.Where(MosquittoSubLine.IsMessage).Any(l => Payload(l) == Probe);
    }

    private static async Task<CapturedProcess> SubscribedAsync(Clients clients, params string[] args)
    {
        var sub = clients.MosquittoSub(["-d", "-F", MosquittoSubLine.Format, .. args]);
        await sub.WaitForLineAsync(MosquittoSubLine.IsSuback, Deadline, "SUBACK");
        return sub;
    }
}
