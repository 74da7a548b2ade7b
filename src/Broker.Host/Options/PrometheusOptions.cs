using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>prometheus</c> section: whether the node serves its metrics at <c>/api/v5/prometheus/stats</c>, as EMQX does.</summary>
public sealed class PrometheusOptions
{
    /// <summary>False: the route answers 404 and nothing reads the broker's counters.</summary>
    [ConfigurationKeyName("enable")]
    public bool Enable { get; set; } = true;

    /// <summary>True: the route needs credentials as the rest of the API does (EMQX's key; false, open, by default).</summary>
    [ConfigurationKeyName("enable_basic_auth")]
    public bool EnableBasicAuth { get; set; }
}
