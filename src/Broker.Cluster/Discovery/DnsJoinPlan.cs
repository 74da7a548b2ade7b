namespace Broker.Cluster.Discovery;

/// <summary>
/// What a node does with each DNS answer until it has joined, as a pure function of the answers and the clock, so the
/// bootstrap rule is tested without DNS or Akka:
/// <code>
///   found nothing                       -> wait, look again
///   found nodes, this one not among them -> join whichever of them is a member (never forms a cluster)
///   found nodes, this one not the first  -> the same: only the first may form the cluster
///   found nodes, this one the first      -> join any of the others that is already a member; once the same nodes
///                                          have been found for StableMargin, form the cluster unless one answers
/// </code>
/// Every node sorts the answer by <see cref="SeedOrder"/>, and Akka.NET lets only the first seed of a list join
/// itself, so one node forms the cluster and the others join it. The margin keeps two nodes that start together, each
/// briefly finding only itself in DNS, from forming two clusters (which would never merge). A node that rejoins
/// (<paramref name="rejoinVia"/> set) never forms one: it joins a member among the answer and the nodes it last saw.
/// </summary>
internal sealed class DnsJoinPlan(SeedAddress self, string name, TimeSpan stableMargin, IReadOnlyList<SeedAddress>? rejoinVia = null)
{
    private IReadOnlyList<SeedAddress> _found = [];
    private DateTime _foundSince;
    private IReadOnlyList<SeedAddress> _joining = [];

    public SeedAddress Self => self;

    public JoinPlanStep Next(SeedLookupResult result, DateTime now)
    {
        var found = SeedOrder.Sort(result.Seeds);
        var changed = !found.SequenceEqual(_found);
        if (changed)
        {
            _found = found;
            _foundSince = now;
        }

        if (found.Count == 0 && rejoinVia is not { Count: > 0 })
        {
            return new JoinPlanStep(null, $"{name} names no node yet ({result.Problem}); looking again", changed, null);
        }

        var list = $"[{string.Join(", ", found)}]";
        if (rejoinVia is not null)
        {
            var others = SeedOrder.Sort(found.Concat(rejoinVia).Where(seed => seed != self).Distinct().ToList());
            return Join(others, changed,
                $"this node rejoins through [{string.Join(", ", others)}] ({name} and the members it last saw): it joins the first of them that is a member, and forms no cluster itself");
        }

        var position = IndexOfSelf(found);
        if (position < 0)
        {
            return Join(found, changed, $"{name} gives {list}, without this node ({self}): it joins the first of them that is a member, and forms no cluster itself");
        }

        if (position > 0)
        {
            return Join(found, changed, $"{name} gives {list}: this node joins the first of them that is a member ({found[0]} forms the cluster)");
        }

        var stableFor = now - _foundSince;
        if (stableFor < stableMargin)
        {
            var others = found.Skip(1).ToList();
            var why = others.Count == 0
                ? $"{name} gives only this node ({self}): it forms a cluster of its own if no other node appears within {stableMargin.TotalSeconds:0.#}s"
                : $"{name} gives {list}: this node is the first; it joins any of the others that is a member, and forms the cluster if the same nodes are found for {stableMargin.TotalSeconds:0.#}s";
            var step = Join(others, changed, why);
            return step with { LookAgainWithin = stableMargin - stableFor };
        }

        return Join(found, changed, found.Count == 1
            ? $"{name} gives only this node ({self}): it forms a cluster of its own"
            : $"{name} gives {list}: this node is the first; it forms the cluster unless one of the others is a member already");
    }

    private JoinPlanStep Join(IReadOnlyList<SeedAddress> seeds, bool changed, string why)
    {
        if (seeds.Count == 0 || seeds.SequenceEqual(_joining))
        {
            return new JoinPlanStep(null, why, changed, null);
        }

        _joining = seeds;
        return new JoinPlanStep(seeds, why, changed, null);
    }

    private int IndexOfSelf(IReadOnlyList<SeedAddress> found)
    {
        for (var i = 0; i < found.Count; i++)
        {
            if (found[i] == self)
            {
                return i;
            }
        }

        return -1;
    }
}
