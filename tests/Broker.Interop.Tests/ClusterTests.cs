using Broker.Interop.Tests.Infrastructure;
using Broker.Tests;

namespace Broker.Interop.Tests;

/// <summary>
/// Three broker processes on loopback joined through static seeds (issue 14): a message published on one node reaches
/// mosquitto_sub subscribers on the others, once each, at every QoS; a retained message and a will set on one node
/// are retained on the others.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProbeWait = TimeSpan.FromMilliseconds(250);
    private readonly ClusterProcesses _cluster = new(output);
    private int[] _clusterPorts = [];

    public async Task InitializeAsync()
    {
        _clusterPorts = [UnassignedPorts.Next(), UnassignedPorts.Next(), UnassignedPorts.Next()];
        for (var i = 0; i < _clusterPorts.Length; i++)
        {
            _cluster.Add(await StartNodeAsync(i));
        }
    }

    private Task<BrokerProcess> StartNodeAsync(int i) => BrokerProcess.StartOursAsync(StaticCluster.NodeArgs("interop", _clusterPorts, i));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [InteropTheory(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_publish_on_one_node_reaches_subscribers_on_the_others_once(int qos)
    {
        const int messages = 20;
        var topic = Names.Topic("cluster");
        var onSecond = await SubscribedAsync(_cluster.Clients[1], "-q", $"{qos}", "-t", topic);
        // A wildcard filter [MQTT-4.7.1-2]: "topic/#" matches "topic" itself.
        var onThird = await SubscribedAsync(_cluster.Clients[2], "-q", $"{qos}", "-t", $"{topic}/#");

        // A route spreads to the other nodes within moments of the SUBACK (ARCHITECTURE.md, "Where the cluster plugs
        // in"): a probe goes until both subscribers have had one, then the messages follow.
        await UntilBothReceiveAsync(onSecond, onThird, topic, qos);
        var publisher = _cluster.Clients[0].MosquittoPub("-q", $"{qos}", "-t", topic, "-l");
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

    /// <summary>
    /// Python paho on every node, each publishing a numbered stream and collecting everyone's (its own node's and the
    /// two others'): every acknowledged message arrives, once at QoS 2.
    /// </summary>
    [InteropTheory(Tools.Paho, Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    [InlineData("311", 1)]
    [InlineData("311", 2)]
    [InlineData("5", 1)]
    [InlineData("5", 2)]
    public async Task Paho_publishers_on_each_node_reach_paho_subscribers_on_every_node(string version, int qos)
    {
        const int perPublisher = 300;
        var topic = Names.Topic("cluster-paho");
        var publisherIds = _cluster.Nodes.Select((_, i) => Names.ClientId($"pub{i + 1}")).ToArray();
        var collectors = new List<CapturedProcess>();
        foreach (var clients in _cluster.Clients)
        {
            var collector = clients.Paho("collect.py", "--version", version, "--client-id", Names.ClientId("collect"), "--topic", $"{topic}/#",
                "--qos", $"{qos}", "--publishers", string.Join(',', publisherIds), "--count", $"{perPublisher}", "--timeout", "60");
            await collector.WaitForLineAsync(ClientEvent.Named("subscribed"), Deadline, "SUBACK");
            collectors.Add(collector);
        }

        // Each publishing node has every other node's route for the filter once a probe from it reached a watcher there.
        for (var from = 0; from < _cluster.Nodes.Count; from++)
        {
            var watchers = new List<CapturedProcess>();
            for (var to = 0; to < _cluster.Nodes.Count; to++)
            {
                if (to != from)
                    watchers.Add(await SubscribedAsync(_cluster.Clients[to], "-t", $"{topic}/#"));
            }

            await ClusterProbes.UntilReceivedAsync(_cluster.Clients[from], $"{topic}/probe", [.. watchers]);
        }

        var publishers = publisherIds.Select((id, i) => _cluster.Clients[i].Paho("publish_stream.py", "--version", version, "--client-id", id,
            "--topic", $"{topic}/{id}", "--qos", $"{qos}", "--count", $"{perPublisher}", "--timeout", "60")).ToList();
        foreach (var publisher in publishers)
        {
            await publisher.ExpectSuccessAsync(TimeSpan.FromSeconds(90));
            var acknowledged = await publisher.WaitForLineAsync(ClientEvent.Named("acknowledged"), Deadline, "all acknowledged");
            Assert.Equal(perPublisher, ClientEvent.Parse(acknowledged).GetProperty("count").GetInt32());
        }

        foreach (var collector in collectors)
        {
            var summary = ClientEvent.Parse(await collector.WaitForLineAsync(ClientEvent.Named("summary"), TimeSpan.FromSeconds(90), "summary"));
            Assert.Equal("[]", summary.GetProperty("missing").GetRawText());
            Assert.Equal(publisherIds.Length * perPublisher, summary.GetProperty("received").GetInt32());
            if (qos == 2)
                Assert.Equal(0, summary.GetProperty("duplicates").GetInt32());
        }
    }

    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task A_shared_group_with_members_on_two_nodes_gets_each_of_1000_messages_once()
    {
        const int messages = 1_000;
        var topic = Names.Topic("cluster-share");
        var members = new[]
        {
            await SubscribedAsync(_cluster.Clients[1], "-V", "5", "-q", "1", "-t", $"$share/workers/{topic}"),
            await SubscribedAsync(_cluster.Clients[2], "-V", "5", "-q", "1", "-t", $"$share/workers/{topic}"),
        };

        // Until the group's route from both nodes has reached the publisher's node, probes go to one member only.
        await UntilBothReceiveAsync(members[0], members[1], topic, 1);
        var publisher = _cluster.Clients[0].MosquittoPub("-V", "5", "-q", "1", "-t", topic, "-l");
        for (var i = 0; i < messages; i++)
            await publisher.Input.WriteLineAsync($"message {i}");
        // Each member's node receives this publisher's messages in order: once both have an end, nothing before it is
        // still on its way.
        using (var deadline = new CancellationTokenSource(Deadline))
        {
            while (!members.All(HasEnd))
            {
                deadline.Token.ThrowIfCancellationRequested();
                var marks = members.Select(m => m.TranscriptCount).ToArray();
                await publisher.Input.WriteLineAsync(End);
                await publisher.Input.FlushAsync();
                await Task.WhenAny(members.Select((m, i) => m.WaitForOutputAfterAsync(marks[i], ProbeWait)));
            }
        }

        publisher.Input.Close();
        await publisher.ExpectSuccessAsync(Deadline);

        var received = members.SelectMany(m => m.Lines.Where(IsMessageLine).Select(Payload)).ToArray();
        Assert.Equal(Enumerable.Range(0, messages).Select(i => $"message {i}").Order(), received.Order());
        Assert.All(members, m => Assert.Contains(m.Lines, line => IsMessageLine(line)));

        static bool HasEnd(CapturedProcess sub) => sub.Lines.Where(MosquittoSubLine.IsMessage).Any(l => Payload(l) == End);
    }

    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task A_node_killed_is_removed_the_others_go_on_and_restarted_it_rejoins()
    {
        var topic = Names.Topic("cluster-kill");
        var onSecond = await SubscribedAsync(_cluster.Clients[1], "-q", "1", "-t", topic);
        var onThird = await SubscribedAsync(_cluster.Clients[2], "-q", "1", "-t", topic);
        await UntilBothReceiveAsync(onSecond, onThird, topic, 1);
        var third = $"akka.tcp://interop@127.0.0.1:{_clusterPorts[2]}";
        var firstLog = _cluster.Nodes[0].Output;

        _cluster.Nodes[2].Kill();

        // The others go on: a QoS 1 publish on node 1 reaches node 2 and is acknowledged, even while node 3, which
        // had a route for the topic, is unreachable (it is released as a stalled subscriber after 5 s).
        await _cluster.Clients[0].MosquittoPub("-q", "1", "-t", topic, "-m", "while-down").ExpectSuccessAsync(Deadline);
        await onSecond.WaitForLineAsync(line => MosquittoSubLine.IsMessage(line) && Payload(line) == "while-down", Deadline, "the message published after the kill");
        // Failure detection (a few seconds) and stable_after (5 s), then the split brain resolver downs it.
        await firstLog.WaitForLineAsync(line => line.Contains($"Cluster member removed: {third}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "node 3 removed from node 1's view");

        // Its clients reconnect to another node.
        var moved = await SubscribedAsync(_cluster.Clients[0], "-q", "1", "-t", topic);

        var upBefore = firstLog.Lines.Count(line => line.Contains($"Cluster member up: {third}", StringComparison.Ordinal));
        _cluster.Replace(2, await StartNodeAsync(2));
        await firstLog.WaitForLineAsync(
            _ => firstLog.Lines.Count(line => line.Contains($"Cluster member up: {third}", StringComparison.Ordinal)) > upBefore,
            TimeSpan.FromSeconds(60), "the restarted node 3 up again in node 1's view");
        var onRestarted = await SubscribedAsync(_cluster.Clients[2], "-q", "1", "-t", topic);
        await UntilBothReceiveAsync(moved, onRestarted, topic, 1);
    }

    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task A_retained_message_set_on_one_node_is_given_to_new_subscribers_on_the_others()
    {
        var topic = Names.Topic("cluster-retained");
        await _cluster.Clients[0].MosquittoPub("-q", "1", "-r", "-t", topic, "-m", "line 4 running").ExpectSuccessAsync(Deadline);

        Assert.Equal("line 4 running", await RetainedAsync(_cluster.Clients[1], topic));
        Assert.Equal("line 4 running", await RetainedAsync(_cluster.Clients[2], topic));

        // Deleted on the third node [MQTT-3.3.1-6], then a marker set there: once the first node has the marker, it had
        // the deletion before it (one node's changes reach another in order), and no longer gives the message.
        await _cluster.Clients[2].MosquittoPub("-q", "1", "-r", "-t", topic, "-n").ExpectSuccessAsync(Deadline);
        await _cluster.Clients[2].MosquittoPub("-q", "1", "-r", "-t", $"{topic}/after", "-m", "marker").ExpectSuccessAsync(Deadline);
        Assert.Equal("marker", await RetainedAsync(_cluster.Clients[0], $"{topic}/after"));
        Assert.Null(await RetainedOrNullAsync(_cluster.Clients[0], topic));
    }

    /// <summary>
    /// A client killed on the first node (mosquitto_sub with a retained will, SIGKILL: no DISCONNECT) has its will
    /// published there [MQTT-3.1.2-8]; it reaches a subscriber on the second node, and is retained on the third.
    /// </summary>
    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task The_will_of_a_client_killed_on_one_node_reaches_subscribers_on_the_others()
    {
        var topic = Names.Topic("cluster-will");
        var watcher = await SubscribedAsync(_cluster.Clients[1], "-q", "1", "-t", topic);
        await UntilReceivesAsync(watcher, topic);
        var doomed = await SubscribedAsync(_cluster.Clients[0], "-q", "1", "-t", Names.Topic("unused"), "-i", Names.ClientId("doomed"),
            "--will-topic", topic, "--will-payload", "machine 7 lost", "--will-qos", "1", "--will-retain");

        doomed.Kill();

        var will = await watcher.WaitForLineAsync(line => MosquittoSubLine.IsMessage(line) && Payload(line) != Probe, Deadline, "the will");
        Assert.Equal("machine 7 lost", Payload(will));
        Assert.Equal("machine 7 lost", await RetainedAsync(_cluster.Clients[2], topic));
    }

    /// <summary>
    /// The topic's retained message on that node, as a new subscriber is given it. It crosses from the node that set it
    /// within moments, so a subscriber that got nothing within a second is followed by another, until the deadline.
    /// </summary>
    private static async Task<string> RetainedAsync(Clients clients, string topic)
    {
        var deadline = DateTime.UtcNow + Deadline;
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (await RetainedOrNullAsync(clients, topic) is { } payload)
                return payload;
            if (DateTime.UtcNow > deadline)
                break;
        }

        throw new TimeoutException($"No retained message on {topic} within {Deadline}");
    }

    private static async Task<string?> RetainedOrNullAsync(Clients clients, string topic)
    {
        // --retained-only prints messages with RETAIN set only; -W 1 ends it when none came within a second.
        var sub = clients.MosquittoSub("-F", MosquittoSubLine.Format, "-q", "1", "-t", topic, "--retained-only", "-C", "1", "-W", "1");
        await sub.WaitForExitAsync(Deadline);
        var line = sub.Lines.FirstOrDefault(MosquittoSubLine.IsMessage);
        return line is null ? null : MosquittoSubLine.Parse(line) is { Retained: true } message ? message.Payload : null;
    }

    /// <summary>Probes from the first node until <paramref name="sub"/> has one: the route of its node has reached the first.</summary>
    private async Task UntilReceivesAsync(CapturedProcess sub, string topic)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!sub.Lines.Where(MosquittoSubLine.IsMessage).Any(l => Payload(l) == Probe))
        {
            deadline.Token.ThrowIfCancellationRequested();
            var mark = sub.TranscriptCount;
            await _cluster.Clients[0].MosquittoPub("-q", "1", "-t", topic, "-m", Probe).ExpectSuccessAsync(Deadline);
            await sub.WaitForOutputAfterAsync(mark, ProbeWait);
        }
    }

    [InteropFact(OursOnly = true, OwnBroker = true)]
    public async Task Every_node_shows_the_three_members_Up_at_its_management_endpoint()
    {
        foreach (var node in _cluster.Nodes)
        {
            var members = await ClusterProbes.UntilMembersUpAsync(node, 3);
            Assert.Equal(_clusterPorts.Select(p => $"akka.tcp://interop@127.0.0.1:{p}").Order(StringComparer.Ordinal), members.Keys.Order(StringComparer.Ordinal));
        }
    }

    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task A_node_that_leaves_disconnects_its_clients_and_the_others_go_on_as_two()
    {
        foreach (var node in _cluster.Nodes)
            await ClusterProbes.UntilMembersUpAsync(node, 3);
        var topic = Names.Topic("leave");
        var onLeaving = await ClusterProbes.SubscribedAsync(_cluster.Clients[2], "-V", "5", "-t", topic);
        var onSecond = await ClusterProbes.SubscribedAsync(_cluster.Clients[1], "-t", topic);

        var ctl = await _cluster.Nodes[2].CtlAsync(output, "cluster", "leave");

        Assert.True(ctl.ExitCode == 0, ctl.Describe());
        Assert.StartsWith($"Leaving akka.tcp://interop@127.0.0.1:{_clusterPorts[2]}", Assert.Single(ctl.Lines), StringComparison.Ordinal);
        // mosquitto_sub prints the reason of the server's DISCONNECT: 0x8B, Server shutting down.
        await onLeaving.WaitForLineAsync(l => l.Contains("Received DISCONNECT (139)", StringComparison.Ordinal), Deadline, "DISCONNECT 0x8B");
        Assert.Equal(0, await _cluster.Nodes[2].WaitForExitAsync(Deadline));
        foreach (var node in _cluster.Nodes.Take(2))
        {
            var members = await ClusterProbes.UntilMembersUpAsync(node, 2);
            Assert.DoesNotContain($"akka.tcp://interop@127.0.0.1:{_clusterPorts[2]}", members.Keys);
        }

        await ClusterProbes.UntilReceivedAsync(_cluster.Clients[0], topic, onSecond);
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
            await _cluster.Clients[0].MosquittoPub("-q", $"{qos}", "-t", topic, "-m", Probe).ExpectSuccessAsync(Deadline);
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
