namespace Broker.Cluster.Discovery;

/// <summary>Which records of <see cref="DnsDiscoverySettings.Name"/> name the seed nodes.</summary>
public enum DnsRecordType
{
    /// <summary>A records (AAAA when the name has none): every address is a node at this node's cluster port.</summary>
    A,

    /// <summary>SRV records: each gives a node's host (its target) and cluster port.</summary>
    Srv,
}
