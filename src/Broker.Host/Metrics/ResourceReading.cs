namespace Broker.Host.Metrics;

/// <summary>
/// The process's resources at one moment, read in this one place for overload protection
/// (<see cref="Security.OverloadSampler"/>) and the alarms (<see cref="Alarms.AlarmMonitor"/>): memory against what the
/// process may use (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> is the container's limit when there is one, so
/// a pod is measured against its own), work waiting for the thread pool, and CPU time.
/// </summary>
internal readonly record struct ResourceReading(long MemoryUsed, long MemoryLimit, long RunQueue, TimeSpan CpuTime, long Timestamp)
{
    public static ResourceReading Take(TimeProvider time) => new(
        Environment.WorkingSet,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        ThreadPool.PendingWorkItemCount,
        Environment.CpuUsage.TotalTime,
        time.GetTimestamp());

    /// <summary>The share of its memory the process uses; 0 when the limit is unknown.</summary>
    public double MemoryShare => MemoryLimit > 0 ? (double)MemoryUsed / MemoryLimit : 0;

    /// <summary>
    /// The share of the CPU the process used since <paramref name="earlier"/>: its CPU time over the wall time times the
    /// cores it may run on (<see cref="Environment.ProcessorCount"/> follows a container's CPU limit).
    /// </summary>
    public double CpuShareSince(ResourceReading earlier, TimeProvider time, int processors)
    {
        var wall = time.GetElapsedTime(earlier.Timestamp, Timestamp);
        return wall <= TimeSpan.Zero || processors <= 0 ? 0 : Math.Clamp((CpuTime - earlier.CpuTime) / (wall * processors), 0, 1);
    }
}
