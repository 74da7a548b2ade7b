namespace Broker.Host.Options;

/// <summary>Which records of <c>cluster.dns.name</c> name the seed nodes (<c>cluster.dns.record_type</c>).</summary>
public enum DnsRecordType
{
    /// <summary>Addresses (AAAA when there is no A record), each a node at this node's <c>cluster.port</c>.</summary>
    A,

    /// <summary>Service records, each a node's host (the target) and port.</summary>
    Srv,
}
