using System.Diagnostics;
using Prometheus;

namespace Broker.Host.Metrics;

/// <summary>
/// The process, under the names prometheus-net's <c>DotNetStats</c> gives them (and Grafana's .NET dashboards read),
/// read so that a scrape costs the same with 20 or 20,000 connections: <c>DotNetStats</c> reads
/// <see cref="Process.HandleCount"/>, which on Linux stats every entry of /proc/self/fd, two system calls per socket
/// (96 ms of CPU a scrape with 19,000 clients, docs/PERFORMANCE.md). Here the open files and the threads are counted
/// by listing /proc/self/fd and /proc/self/task, names only.
/// </summary>
internal sealed class ProcessMetrics
{
    private const string OpenFiles = "/proc/self/fd";
    private const string Threads = "/proc/self/task";

    private readonly Process _process = Process.GetCurrentProcess();
    private readonly Counter _collections;
    private readonly Counter _cpu;
    private readonly Gauge _virtualMemory;
    private readonly Gauge _workingSet;
    private readonly Gauge _privateMemory;
    private readonly Gauge _handles;
    private readonly Gauge _threads;
    private readonly Gauge _totalMemory;

    public ProcessMetrics(IMetricFactory factory)
    {
        _collections = factory.CreateCounter("dotnet_collection_count_total", "GC collections, by generation.", ["generation"]);
        factory.CreateGauge("process_start_time_seconds", "Start time of the process since the Unix epoch, seconds.")
            .Set(new DateTimeOffset(_process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        _cpu = factory.CreateCounter("process_cpu_seconds_total", "CPU time the process used, user and system, seconds.");
        _virtualMemory = factory.CreateGauge("process_virtual_memory_bytes", "Virtual memory size, bytes.");
        _workingSet = factory.CreateGauge("process_working_set_bytes", "Resident memory (working set), bytes.");
        _privateMemory = factory.CreateGauge("process_private_memory_bytes", "Private memory, bytes.");
        _handles = factory.CreateGauge("process_open_handles", "Open handles: on Linux, open file descriptors, sockets included.");
        _threads = factory.CreateGauge("process_num_threads", "Threads of the process.");
        _totalMemory = factory.CreateGauge("dotnet_total_memory_bytes", "Bytes the GC heap holds now (GC.GetTotalMemory).");
    }

    public void Collect()
    {
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            _collections.WithLabels(generation.ToString(System.Globalization.CultureInfo.InvariantCulture)).IncTo(GC.CollectionCount(generation));
        }

        _cpu.IncTo(Environment.CpuUsage.TotalTime.TotalSeconds);
        _process.Refresh();
        _virtualMemory.Set(_process.VirtualMemorySize64);
        _workingSet.Set(_process.WorkingSet64);
        _privateMemory.Set(_process.PrivateMemorySize64);
        _handles.Set(OperatingSystem.IsLinux() ? Count(OpenFiles) : _process.HandleCount);
        _threads.Set(OperatingSystem.IsLinux() ? Count(Threads) : _process.Threads.Count);
        _totalMemory.Set(GC.GetTotalMemory(forceFullCollection: false));
    }

    // Names only: the enumeration reads the directory, and stats none of its entries.
    private static int Count(string directory) => Directory.EnumerateFileSystemEntries(directory).Count();
}
