using Broker.Interop.Tests.Infrastructure;

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
    private readonly List<BrokerProcess> _nodes = [];
    private readonly List<Clients> _clients = [];

    public async Task InitializeAsync()
    {
        var ports = new[] { FreePort.Next(), FreePort.Next(), FreePort.Next() };
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

    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task A_retained_message_set_on_one_node_is_given_to_new_subscribers_on_the_others()
    {
        var topic = Names.Topic("cluster-retained");
        await _clients[0].MosquittoPub("-q", "1", "-r", "-t", topic, "-m", "line 4 running").ExpectSuccessAsync(Deadline);

        Assert.Equal("line 4 running", await RetainedAsync(_clients[1], topic));
        Assert.Equal("line 4 running", await RetainedAsync(_clients[2], topic));

        // Deleted on the third node [MQTT-3.3.1-6], then a marker set there: once the first node has the marker, it had
        // the deletion before it (one node's changes reach another in order), and no longer gives the message.
        await _clients[2].MosquittoPub("-q", "1", "-r", "-t", topic, "-n").ExpectSuccessAsync(Deadline);
        await _clients[2].MosquittoPub("-q", "1", "-r", "-t", $"{topic}/after", "-m", "marker").ExpectSuccessAsync(Deadline);
        Assert.Equal("marker", await RetainedAsync(_clients[0], $"{topic}/after"));
        Assert.Null(await RetainedOrNullAsync(_clients[0], topic));
    }

    /// <summary>
    /// A client killed on the first node (mosquitto_sub with a retained will, SIGKILL: no DISCONNECT) has its will
    /// published there [MQTT-3.1.2-8]; it reaches a subscriber on the second node, and is retained on the third.
    /// </summary>
    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task The_will_of_a_client_killed_on_one_node_reaches_subscribers_on_the_others()
    {
        var topic = Names.Topic("cluster-will");
        var watcher = await SubscribedAsync(_clients[1], "-q", "1", "-t", topic);
        await UntilReceivesAsync(watcher, topic);
        var doomed = await SubscribedAsync(_clients[0], "-q", "1", "-t", Names.Topic("unused"), "-i", Names.ClientId("doomed"),
            "--will-topic", topic, "--will-payload", "machine 7 lost", "--will-qos", "1", "--will-retain");

        doomed.Kill();

        var will = await watcher.WaitForLineAsync(line => MosquittoSubLine.IsMessage(line) && Payload(line) != Probe, Deadline, "the will");
        Assert.Equal("machine 7 lost", Payload(will));
        Assert.Equal("machine 7 lost", await RetainedAsync(_clients[2], topic));
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
            await _clients[0].MosquittoPub("-q", "1", "-t", topic, "-m", Probe).ExpectSuccessAsync(Deadline);
            await sub.WaitForOutputAfterAsync(mark, ProbeWait);
        }
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
