using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>cluster.dns</c> section (EMQX's names): the name whose records are the seed nodes.</summary>
public sealed class DnsDiscoveryOptions
{
    /// <summary>Fully qualified, e.g. a Kubernetes headless service: <c>broker-headless.default.svc.cluster.local</c>.</summary>
    [ConfigurationKeyName("name")]
    public string Name { get; set; } = "";

    [ConfigurationKeyName("record_type")]
    public DnsRecordType RecordType { get; set; } = DnsRecordType.A;

    /// <summary>The name server, <c>host</c> or <c>host:port</c>; empty: the system's resolvers.</summary>
    [ConfigurationKeyName("server")]
    public string Server { get; set; } = "";
}
