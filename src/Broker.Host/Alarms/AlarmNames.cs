namespace Broker.Host.Alarms;

/// <summary>The alarms this broker raises: EMQX's names where EMQX has the alarm, its style where it has not.</summary>
public static class AlarmNames
{
    public const string HighCpuUsage = "high_cpu_usage";
    public const string HighSystemMemoryUsage = "high_system_memory_usage";
    public const string TooManyConnections = "too_many_connections";
    public const string StorageUnreachable = "storage_unreachable";
    public const string Partition = "partition";
}
