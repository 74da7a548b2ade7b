using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>sysmon</c> section: the conditions that raise alarms (EMQX's <c>sysmon</c>, and this broker's own).</summary>
public sealed class SysmonOptions
{
    [ConfigurationKeyName("os")]
    public SysmonOsOptions Os { get; init; } = new();

    [ConfigurationKeyName("connections")]
    public SysmonConnectionsOptions Connections { get; init; } = new();

    /// <summary>How often the connections, the storage and the cluster's reachability are checked.</summary>
    [ConfigurationKeyName("check_interval")]
    public Duration CheckInterval { get; set; } = Duration.FromSeconds(30);
}

/// <summary>
/// <c>sysmon.os</c>: the process's CPU and memory. EMQX measures the host's; a broker in a container is measured
/// against what the container may use, so these are the process's CPU time over the cores it may run on, and its
/// working set over the memory it may use (as overload protection reads them).
/// </summary>
public sealed class SysmonOsOptions
{
    [ConfigurationKeyName("cpu_check_interval")]
    public Duration CpuCheckInterval { get; set; } = Duration.FromSeconds(60);

    /// <summary>high_cpu_usage is raised above this share of the CPU...</summary>
    [ConfigurationKeyName("cpu_high_watermark")]
    public double CpuHighWatermark { get; set; } = 0.8;

    /// <summary>...and cleared below this one.</summary>
    [ConfigurationKeyName("cpu_low_watermark")]
    public double CpuLowWatermark { get; set; } = 0.6;

    [ConfigurationKeyName("mem_check_interval")]
    public Duration MemCheckInterval { get; set; } = Duration.FromSeconds(60);

    /// <summary>high_system_memory_usage is raised above this share of the memory, and cleared below it.</summary>
    [ConfigurationKeyName("sysmem_high_watermark")]
    public double SysmemHighWatermark { get; set; } = 0.7;
}

/// <summary><c>sysmon.connections</c>: too_many_connections, against the enabled listeners' <c>max_connections</c> added up.</summary>
public sealed class SysmonConnectionsOptions
{
    [ConfigurationKeyName("high_watermark")]
    public double HighWatermark { get; set; } = 0.9;

    [ConfigurationKeyName("low_watermark")]
    public double LowWatermark { get; set; } = 0.8;
}
