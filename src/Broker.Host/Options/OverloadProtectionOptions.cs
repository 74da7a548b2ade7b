using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>overload_protection</c> section: new connections refused while the node is short of memory or threads.</summary>
public sealed class OverloadProtectionOptions
{
    [ConfigurationKeyName("enable")]
    public bool Enable { get; set; }

    /// <summary>The share of the memory the process may use (its container's limit, or the machine's) above which it is overloaded.</summary>
    [ConfigurationKeyName("mem_high_watermark")]
    public double MemHighWatermark { get; set; } = 0.8;

    /// <summary>Work items waiting for a pool thread above which it is overloaded.</summary>
    [ConfigurationKeyName("run_queue_high_watermark")]
    public int RunQueueHighWatermark { get; set; } = 10_000;

    [ConfigurationKeyName("check_interval")]
    public Duration CheckInterval { get; set; } = Duration.FromSeconds(1);
}
