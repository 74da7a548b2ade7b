using Broker.Cluster;

namespace Broker.Host.Management;

/// <summary>
/// A node as an operator writes it: its full address ("akka.tcp://broker@10.0.0.5:4370", as <c>GET /cluster/members</c>
/// shows it), without the scheme ("broker@10.0.0.5:4370", as Akka Management also takes it), or its cluster endpoint
/// alone ("10.0.0.5:4370").
/// </summary>
internal static class MemberAddress
{
    private const string Scheme = "akka.tcp://";

    /// <summary>The member <paramref name="written"/> names, or null.</summary>
    public static ClusterMember? Find(IEnumerable<ClusterMember> members, string written)
    {
        written = written.Trim();
        return members.FirstOrDefault(m => m.Node == written || WithoutScheme(m.Node) == written || Endpoint(m.Node) == written);
    }

    /// <summary>
    /// The cluster endpoint (host:port) of a node to join; false with the reason when the address names another
    /// cluster (the part before '@' is the cluster's name) or another scheme.
    /// </summary>
    public static bool TryGetEndpoint(string written, string clusterName, out string endpoint, out string error)
    {
        written = written.Trim();
        endpoint = "";
        error = "";
        var scheme = written.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0 && !written.StartsWith(Scheme, StringComparison.Ordinal))
        {
            error = $"'{written}' is not an {Scheme} address: give host:port or {Scheme}{clusterName}@host:port";
            return false;
        }

        var system = WithoutScheme(written);
        var at = system.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0 && system[..at] != clusterName)
        {
            error = $"'{written}' is a node of cluster '{system[..at]}'; this node's cluster.name is '{clusterName}'";
            return false;
        }

        endpoint = system[(at + 1)..];
        return true;
    }

    private static string WithoutScheme(string address)
    {
        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        return scheme < 0 ? address : address[(scheme + 3)..];
    }

    private static string Endpoint(string address)
    {
        var system = WithoutScheme(address);
        return system[(system.IndexOf('@', StringComparison.Ordinal) + 1)..];
    }
}
