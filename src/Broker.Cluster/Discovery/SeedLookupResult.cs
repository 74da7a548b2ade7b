namespace Broker.Cluster.Discovery;

/// <summary>One DNS lookup's seeds, in the answer's order; when there are none, <see cref="Problem"/> says why.</summary>
internal sealed record SeedLookupResult(IReadOnlyList<SeedAddress> Seeds, string? Problem)
{
    public static SeedLookupResult Found(IReadOnlyList<SeedAddress> seeds) => new(seeds, seeds.Count == 0 ? "no records" : null);

    public static SeedLookupResult Nothing(string problem) => new([], problem);
}
