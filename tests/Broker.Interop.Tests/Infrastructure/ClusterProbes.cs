namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// Waits of the cluster tests, each on a condition with a bound: a subscriber's SUBACK, a membership every node
/// agrees on, and a route spread far enough that a probe published on one node reaches subscribers on others (a
/// route spreads by gossip in the moments after the SUBACK, ARCHITECTURE.md's "What a new subscriber can miss").
/// </summary>
public static class ClusterProbes
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public const string Probe = "probe";

    private static readonly TimeSpan ProbeWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>mosquitto_sub with its debug and message lines, once the broker has acknowledged the subscription.</summary>
    public static async Task<CapturedProcess> SubscribedAsync(Clients clients, params string[] args)
    {
        var sub = clients.MosquittoSub(["-d", "-F", MosquittoSubLine.Format, .. args]);
        await sub.WaitForLineAsync(MosquittoSubLine.IsSuback, Deadline, "SUBACK");
        return sub;
    }

    /// <summary>Probes published through <paramref name="publisher"/> until every subscriber has printed one.</summary>
    public static async Task UntilReceivedAsync(Clients publisher, string topic, params CapturedProcess[] subscribers)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!subscribers.All(HasProbe))
        {
            deadline.Token.ThrowIfCancellationRequested();
            var marks = subscribers.Select(s => s.TranscriptCount).ToArray();
            await publisher.MosquittoPub("-t", topic, "-m", Probe).ExpectSuccessAsync(Deadline);
            // Another probe once the one that got through was printed, or when none did for a moment.
            await Task.WhenAll(subscribers.Select((s, i) => HasProbe(s) ? Task.CompletedTask : s.WaitForOutputAfterAsync(marks[i], ProbeWait)));
        }
    }

    /// <summary>Until <paramref name="node"/>'s management endpoint shows exactly <paramref name="count"/> members, all Up.</summary>
    public static Task<IReadOnlyDictionary<string, string>> UntilMembersUpAsync(BrokerProcess node, int count) =>
        UntilAsync(async () => await node.MemberStatusesAsync() is var members && members.Count == count && members.Values.All(s => s == "Up") ? members : null,
            $"{count} Up members on the node with management endpoint {node.Management}");

    private static bool HasProbe(CapturedProcess sub) =>
        sub.Lines.Where(MosquittoSubLine.IsMessage).Any(l => MosquittoSubLine.Parse(l).Payload == Probe);

    private static async Task<T> UntilAsync<T>(Func<Task<T?>> condition, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            if (await condition() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not within {Deadline.TotalSeconds} s: {what}");
            await Task.Delay(PollInterval);
        }
    }
}
