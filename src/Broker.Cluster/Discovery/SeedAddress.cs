using System.Net;
using System.Net.Sockets;

namespace Broker.Cluster.Discovery;

/// <summary>
/// A node's cluster endpoint as DNS named it, in one written form: host names in lower case without the trailing dot
/// of a DNS answer, IP addresses in their canonical text. Two nodes that found the same records hold equal values,
/// and this node recognizes its own (node.name's host and cluster.port) among them.
/// </summary>
internal readonly record struct SeedAddress
{
    private SeedAddress(string host, int port, IPAddress? ip)
    {
        Host = host;
        Port = port;
        Ip = ip;
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>The address, when <see cref="Host"/> is one rather than a name.</summary>
    public IPAddress? Ip { get; }

    public static SeedAddress Of(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        var trimmed = host.Trim().TrimEnd('.');
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            trimmed = trimmed[1..^1];
        }

        return TryIp(trimmed) is { } ip
            ? new SeedAddress(ip.ToString(), port, ip)
            : new SeedAddress(trimmed.ToLowerInvariant(), port, null);
    }

    public static SeedAddress Of(IPAddress address, int port) => new(address.ToString(), port, address);

    /// <summary>"host:port", with an IPv6 address in brackets.</summary>
    public override string ToString() =>
        Ip is { AddressFamily: AddressFamily.InterNetworkV6 } ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    // IPAddress.TryParse also takes "10" or "10.1" (as 0.0.0.10 and 10.0.0.1); only a dotted quad or an IPv6
    // address is an address here, anything else is a name.
    private static IPAddress? TryIp(string text) =>
        IPAddress.TryParse(text, out var ip) && (ip.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3)
            ? ip
            : null;
}
