using Broker.Core.Messaging;

namespace Broker.Core.Routing;

/// <summary>
/// Chooses the one member of a shared subscription group that receives a message (4.8.2), by the
/// configured strategy. Called by any number of publishers at once: the only shared state is the
/// group's round-robin counter and sticky member, changed with interlocked operations, and the
/// random source, locked when it is a seeded one (only <see cref="System.Random.Shared"/> is thread-safe).
/// </summary>
internal sealed class SharedMemberPicker(SharedSubscriptionStrategy strategy, Random? random)
{
    private readonly Random _random = random ?? Random.Shared;
    private readonly bool _lockRandom = random is not null;

    public SharedSubscriptionStrategy Strategy { get; } = strategy;

    /// <summary>A member other than <paramref name="excludeClientId"/>, or null when there is none.</summary>
    public LocalSubscription? Pick(SharedGroup group, ApplicationMessage message, string? excludeClientId = null)
    {
        var members = group.Members;
        var excluded = excludeClientId is null ? -1 : SubscriberArray.IndexOf(members, excludeClientId);
        var candidates = members.Length - (excluded >= 0 ? 1 : 0);
        if (candidates == 0)
        {
            return null;
        }

        return Strategy switch
        {
            SharedSubscriptionStrategy.RoundRobin => Candidate(members, excluded, (int)((uint)group.NextIndex() % (uint)candidates)),
            SharedSubscriptionStrategy.Sticky => PickSticky(group, members, excluded, candidates, excludeClientId),
            SharedSubscriptionStrategy.HashClientId when message.PublisherId is { } publisher =>
                Candidate(members, excluded, (int)(StableHash.Of(publisher) % (uint)candidates)),
            _ => Candidate(members, excluded, NextRandom(candidates)),
        };
    }

    /// <summary>
    /// The node that receives a message for a group with members on other nodes (<paramref name="others"/>) and, when
    /// <paramref name="self"/> is given, on this one; that node then picks one of its members. The same strategy
    /// chooses at both levels, so round robin alternates nodes and then members, sticky keeps a node and then a
    /// member, and a publisher's hash picks the same node everywhere (the nodes are sorted). A node is chosen as a
    /// whole: random gives each node the same share, whatever number of members it has.
    /// </summary>
    public string? PickNode(SharedNodes others, string? self, ApplicationMessage message)
    {
        var nodes = others.NodeArray;
        var selfAt = self is null ? -1 : ~Array.BinarySearch(nodes, self, StringComparer.Ordinal);
        var count = nodes.Length + (self is null ? 0 : 1);
        if (count == 0)
        {
            return null;
        }

        return Strategy switch
        {
            SharedSubscriptionStrategy.RoundRobin => NodeAt(nodes, self, selfAt, (int)((uint)others.NextIndex() % (uint)count)),
            SharedSubscriptionStrategy.Sticky => PickStickyNode(others, nodes, self, selfAt, count),
            SharedSubscriptionStrategy.HashClientId when message.PublisherId is { } publisher =>
                NodeAt(nodes, self, selfAt, (int)(StableHash.Of(publisher) % (uint)count)),
            _ => NodeAt(nodes, self, selfAt, NextRandom(count)),
        };
    }

    private string PickStickyNode(SharedNodes others, string[] nodes, string? self, int selfAt, int count)
    {
        while (true)
        {
            var sticky = others.StickyNode;
            if (sticky is not null && (sticky == self || Array.BinarySearch(nodes, sticky, StringComparer.Ordinal) >= 0))
            {
                return sticky;
            }

            var chosen = NodeAt(nodes, self, selfAt, NextRandom(count));
            if (others.TryStick(chosen, sticky))
            {
                return chosen;
            }
        }
    }

    /// <summary>The <paramref name="k"/>-th of the sorted nodes with <paramref name="self"/> at its place among them.</summary>
    private static string NodeAt(string[] nodes, string? self, int selfAt, int k) =>
        self is null || k < selfAt ? nodes[k] : k == selfAt ? self : nodes[k - 1];

    /// <summary>The sticky member while it is in the group; otherwise a random one, which becomes sticky.</summary>
    private LocalSubscription PickSticky(SharedGroup group, LocalSubscription[] members, int excluded, int candidates, string? excludeClientId)
    {
        while (true)
        {
            var sticky = group.StickyClientId;
            if (sticky is not null && sticky != excludeClientId && SubscriberArray.IndexOf(members, sticky) is var index and >= 0)
            {
                return members[index];
            }

            var chosen = Candidate(members, excluded, NextRandom(candidates));
            if (group.TryStick(chosen.ClientId, sticky))
            {
                return chosen;
            }
        }
    }

    /// <summary>The <paramref name="k"/>-th member, counting past the excluded one.</summary>
    private static LocalSubscription Candidate(LocalSubscription[] members, int excluded, int k) =>
        members[excluded >= 0 && k >= excluded ? k + 1 : k];

    private int NextRandom(int count)
    {
        if (!_lockRandom)
        {
            return _random.Next(count);
        }

        lock (_random)
        {
            return _random.Next(count);
        }
    }
}
