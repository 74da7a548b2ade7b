using Akka.DistributedData;

namespace Broker.Cluster.Routing;

/// <summary>
/// How routes are laid out in distributed data: <see cref="Count"/> ORSet keys, a filter's routes in the key its
/// stable hash picks, each route one element "node \0 filter" (a topic filter never holds U+0000, [MQTT-4.7.3-2]).
/// Many keys keep each one far below the 128 KB remoting frame that a full-state gossip of a key must fit in
/// (akka.net#7250: one ORSet of 20,000 strings stopped syncing); 256 keys hold about 400,000 routes of 60 bytes at
/// 100 KB each. The hash must be the same on every node and in every process: FNV-1a, not string.GetHashCode.
/// </summary>
internal static class RouteKeys
{
    public const int Count = 256;

    private const char Separator = '\0';

    public static readonly IReadOnlyList<ORSetKey<string>> All =
        Enumerable.Range(0, Count).Select(i => new ORSetKey<string>($"broker-routes-{i:D3}")).ToArray();

    public static ORSetKey<string> For(string filter) => All[(int)(Fnv1a(filter) % Count)];

    public static string Element(string node, string filter) => string.Concat(node, Separator.ToString(), filter);

    public static (string Node, string Filter) Parse(string element)
    {
        var at = element.IndexOf(Separator, StringComparison.Ordinal);
        return at < 0 ? (element, "") : (element[..at], element[(at + 1)..]);
    }

    public static bool IsOwnedBy(string element, string node) =>
        element.Length > node.Length && element[node.Length] == Separator && element.StartsWith(node, StringComparison.Ordinal);

    private static uint Fnv1a(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ (c & 0xFFu)) * 16777619u;
            hash = (hash ^ (uint)(c >> 8)) * 16777619u;
        }

        return hash;
    }
}
