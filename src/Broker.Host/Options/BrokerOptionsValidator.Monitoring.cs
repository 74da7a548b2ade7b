using Broker.Host.Configuration;

namespace Broker.Host.Options;

public static partial class BrokerOptionsValidator
{
    private static readonly TimeSpan MinSysInterval = TimeSpan.FromMilliseconds(100);

    private static void ValidateMonitoring(BrokerOptions options, List<ConfigurationError> errors)
    {
        var sys = options.SysTopics;
        // A tick publishes a few dozen messages to every $SYS subscriber: faster than 10 a second is a flood, not a pace.
        if (sys.SysMsgInterval.Value != TimeSpan.Zero && sys.SysMsgInterval.Value < MinSysInterval)
            errors.Add(new("sys_topics.sys_msg_interval", "must be 0 (off) or 100ms or more"));
        if (sys.SysHeartbeatInterval.Value != TimeSpan.Zero && sys.SysHeartbeatInterval.Value < MinSysInterval)
            errors.Add(new("sys_topics.sys_heartbeat_interval", "must be 0 (off) or 100ms or more"));

        var os = options.Sysmon.Os;
        Positive(errors, "sysmon.os.cpu_check_interval", os.CpuCheckInterval);
        Positive(errors, "sysmon.os.mem_check_interval", os.MemCheckInterval);
        Positive(errors, "sysmon.check_interval", options.Sysmon.CheckInterval);
        Share(errors, "sysmon.os.cpu_high_watermark", os.CpuHighWatermark);
        Share(errors, "sysmon.os.cpu_low_watermark", os.CpuLowWatermark);
        Share(errors, "sysmon.os.sysmem_high_watermark", os.SysmemHighWatermark);
        if (os.CpuLowWatermark > os.CpuHighWatermark)
            errors.Add(new("sysmon.os.cpu_low_watermark", $"must not be above sysmon.os.cpu_high_watermark ({os.CpuHighWatermark:P0}), got {os.CpuLowWatermark:P0}"));
        var connections = options.Sysmon.Connections;
        Share(errors, "sysmon.connections.high_watermark", connections.HighWatermark);
        Share(errors, "sysmon.connections.low_watermark", connections.LowWatermark);
        if (connections.LowWatermark > connections.HighWatermark)
            errors.Add(new("sysmon.connections.low_watermark", $"must not be above sysmon.connections.high_watermark ({connections.HighWatermark:P0}), got {connections.LowWatermark:P0}"));

        Range(errors, "alarm.size_limit", options.Alarm.SizeLimit, 1, 3000);
        Positive(errors, "alarm.validity_period", options.Alarm.ValidityPeriod);
    }

    private static void Share(List<ConfigurationError> errors, string key, double value)
    {
        if (value is <= 0 or > 1)
            errors.Add(new(key, $"must be a share above 0% and at most 100%, like 80%, got {value}"));
    }
}
