using System.Globalization;
using Akka.Cluster;
using Akka.DistributedData;
using Broker.Core.Routing;

namespace Broker.Cluster.Routing;

/// <summary>
/// How routes are laid out in distributed data: <see cref="Count"/> ORSet keys, a filter's routes in the key its
/// stable hash picks, each route one element "address # uid \0 filter" (a topic filter never holds U+0000,
/// [MQTT-4.7.3-2]). The uid names the node's incarnation: a node restarted at the same address is a new member, and
/// what its former incarnation wrote stays recognisable as stale, to be skipped and deleted, instead of being taken
/// for the new one's routes or deleting them. Many keys keep each one far below the 128 KB remoting frame that a
/// full-state gossip of a key must fit in (akka.net#7250: one ORSet of 20,000 strings stopped syncing); 256 keys hold
/// about 350,000 routes of 70 bytes at 100 KB each. The hash must be the same on every node and in every process:
/// <see cref="StableHash"/>, not string.GetHashCode.
/// </summary>
internal static class RouteKeys
{
    public const int Count = 256;

    private const char Separator = '\0';

    public static readonly IReadOnlyList<ORSetKey<string>> All =
        Enumerable.Range(0, Count).Select(i => new ORSetKey<string>($"broker-routes-{i:D3}")).ToArray();

    /// <summary>A filter's durable route (<see cref="DurableRoute"/>) is in its key, so that one write to all spreads both.</summary>
    public static ORSetKey<string> For(string route)
    {
        DurableRoute.TryParse(route, out var filter);
        return All[(int)(StableHash.Of(filter) % Count)];
    }

    /// <summary>"address#uid": one incarnation of a node.</summary>
    public static string Incarnation(UniqueAddress node) =>
        string.Concat(node.Address.ToString(), "#", node.Uid.ToString(CultureInfo.InvariantCulture));

    public static string Element(string incarnation, string filter) => string.Concat(incarnation, Separator.ToString(), filter);

    /// <summary>The route an element stands for, "address \0 filter": the same for every incarnation of the node.</summary>
    public static string Route(string element)
    {
        var (incarnation, filter) = Split(element);
        var hash = incarnation.LastIndexOf('#');
        return hash < 0 ? element : Element(incarnation[..hash], filter);
    }

    /// <summary>The incarnation that wrote an element.</summary>
    public static string IncarnationOf(string element) => Split(element).Incarnation;

    /// <summary>A node address and filter from <see cref="Route"/> (or from an element: then the node is its incarnation).</summary>
    public static (string Node, string Filter) Parse(string route) => Split(route);

    /// <summary>Whether an element was written by any incarnation of the node at this address.</summary>
    public static bool IsAtAddress(string element, string address) =>
        element.Length > address.Length && element[address.Length] == '#' && element.StartsWith(address, StringComparison.Ordinal);

    private static (string Incarnation, string Filter) Split(string element)
    {
        var at = element.IndexOf(Separator, StringComparison.Ordinal);
        return at < 0 ? (element, "") : (element[..at], element[(at + 1)..]);
    }
}
