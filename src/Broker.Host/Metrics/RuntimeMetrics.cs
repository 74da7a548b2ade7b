using Prometheus;

namespace Broker.Host.Metrics;

/// <summary>
/// The .NET runtime beside the process (<see cref="ProcessMetrics"/>: collections by generation, memory, CPU time,
/// threads, handles), read from the runtime's counters at each scrape: the GC heap, allocation and pause time, the
/// thread pool, lock contention.
/// </summary>
internal sealed class RuntimeMetrics
{
    private readonly Gauge _heapSize;
    private readonly Counter _allocated;
    private readonly Counter _pause;
    private readonly Gauge _threads;
    private readonly Gauge _queueLength;
    private readonly Counter _completed;
    private readonly Counter _contentions;

    private readonly ProcessMetrics _process;

    public RuntimeMetrics(IMetricFactory factory)
    {
        _process = new ProcessMetrics(factory);
        _heapSize = factory.CreateGauge("dotnet_gc_heap_size_bytes", "The GC heap's size after the last collection.");
        _allocated = factory.CreateCounter("dotnet_gc_allocated_bytes", "Bytes allocated on the GC heap since the process started.");
        _pause = factory.CreateCounter("dotnet_gc_pause_seconds", "Time the GC paused the process, added up.");
        _threads = factory.CreateGauge("dotnet_threadpool_threads_count", "Thread pool threads.");
        _queueLength = factory.CreateGauge("dotnet_threadpool_queue_length", "Work items queued on the thread pool, not started yet.");
        _completed = factory.CreateCounter("dotnet_threadpool_completed_items", "Work items the thread pool has completed.");
        _contentions = factory.CreateCounter("dotnet_monitor_lock_contentions", "Times a thread waited for a lock another held.");
    }

    public void Collect()
    {
        _process.Collect();
        _heapSize.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
        _allocated.IncTo(GC.GetTotalAllocatedBytes());
        _pause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
        _threads.Set(ThreadPool.ThreadCount);
        _queueLength.Set(ThreadPool.PendingWorkItemCount);
        _completed.IncTo(ThreadPool.CompletedWorkItemCount);
        _contentions.IncTo(Monitor.LockContentionCount);
    }
}
