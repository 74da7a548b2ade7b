using System.Net.Sockets;

namespace Broker.Cluster.Discovery;

/// <summary>
/// The one order every node puts the found seeds in, whatever order its DNS answer came in: IPv4 addresses first,
/// by their numeric value (10.0.0.9 before 10.0.0.10), then IPv6 addresses by value, then host names by their
/// lower-case text; equal hosts by port. Akka.NET's seed-node rule lets only the first seed of the list form a new
/// cluster, so with the same order everywhere exactly one node (the lowest) forms it and the others join it.
/// </summary>
internal sealed class SeedOrder : IComparer<SeedAddress>
{
    public static readonly SeedOrder Instance = new();

    private SeedOrder()
    {
    }

    public static IReadOnlyList<SeedAddress> Sort(IEnumerable<SeedAddress> seeds) => seeds.Distinct().Order(Instance).ToList();

    public int Compare(SeedAddress x, SeedAddress y)
    {
        var byKind = Kind(x).CompareTo(Kind(y));
        if (byKind != 0)
        {
            return byKind;
        }

        var byHost = x.Ip is { } a && y.Ip is { } b
            ? a.GetAddressBytes().AsSpan().SequenceCompareTo(b.GetAddressBytes())
            : string.CompareOrdinal(x.Host, y.Host);
        return byHost != 0 ? byHost : x.Port.CompareTo(y.Port);
    }

    private static int Kind(SeedAddress seed) => seed.Ip?.AddressFamily switch
    {
        AddressFamily.InterNetwork => 0,
        AddressFamily.InterNetworkV6 => 1,
        _ => 2,
    };
}
