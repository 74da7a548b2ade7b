using System.Text.RegularExpressions;
using Broker.Cluster.Discovery;
using Broker.Host.Configuration;

namespace Broker.Host.Options;

public static partial class BrokerOptionsValidator
{
    private static void ValidateCluster(ClusterOptions cluster, List<ConfigurationError> errors)
    {
        // Akka.NET's rule for an actor system's name, which the cluster name is.
        if (!ClusterName().IsMatch(cluster.Name))
            errors.Add(new("cluster.name", $"must be letters, digits, '-' and '_', starting with a letter or digit, got \"{cluster.Name}\""));
        Range(errors, "cluster.port", cluster.Port, 0, 65535);
        if (string.IsNullOrWhiteSpace(cluster.Bind))
            errors.Add(new("cluster.bind", "must not be empty"));
        // A node joined later names its routes with its cluster address before the cluster starts, so the port is fixed.
        if (cluster.DiscoveryStrategy == DiscoveryStrategy.Manual && cluster.Port == 0)
            errors.Add(new("cluster.port", "must be a fixed port (1..65535) when cluster.discovery_strategy is manual: the node's cluster address is its name from the start"));
        if (cluster.DiscoveryStrategy == DiscoveryStrategy.Static && cluster.Static.Seeds.Length == 0)
            errors.Add(new("cluster.static.seeds", "must name at least one seed (host:port) when cluster.discovery_strategy is static"));
        foreach (var seed in cluster.Static.Seeds)
        {
            var colon = seed.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(seed.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
                errors.Add(new("cluster.static.seeds", $"each seed must look like host:port, e.g. 10.0.0.1:4370, got \"{seed}\""));
        }

        ValidateDnsDiscovery(cluster, errors);
        if (cluster.SplitBrainResolver.StableAfter.Value <= TimeSpan.Zero)
            errors.Add(new("cluster.split_brain_resolver.stable_after", "must be above zero"));
    }

    private static void ValidateDnsDiscovery(ClusterOptions cluster, List<ConfigurationError> errors)
    {
        var dns = cluster.Dns;
        if (cluster.DiscoveryStrategy == DiscoveryStrategy.Dns && string.IsNullOrWhiteSpace(dns.Name))
            errors.Add(new("cluster.dns.name", "must name the DNS name to look up (e.g. a Kubernetes headless service) when cluster.discovery_strategy is dns"));
        else if (!string.IsNullOrWhiteSpace(dns.Name) && !HostName.IsValid(dns.Name.Trim()))
            errors.Add(new("cluster.dns.name", $"must be a DNS name (letters, digits, '-' and '_', dots between), got \"{dns.Name}\""));
        if (!string.IsNullOrWhiteSpace(dns.Server) && !NameServerAddress.TryParse(dns.Server, out _, out _))
            errors.Add(new("cluster.dns.server", $"must be host or host:port, e.g. 10.96.0.10:53, or empty for the system's resolvers, got \"{dns.Server}\""));
        if (cluster.DiscoveryStrategy == DiscoveryStrategy.Dns && dns.RecordType == DnsRecordType.A && cluster.Port == 0)
            errors.Add(new("cluster.port", "must not be 0 with cluster.dns.record_type a: the other nodes find this node at its port"));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex ClusterName();
}
