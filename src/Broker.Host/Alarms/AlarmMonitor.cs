using Broker.Actors;
using Broker.Host.Metrics;
using Broker.Host.Options;
using Broker.Host.Persistence;
using Broker.Transport.Connections;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Alarms;

/// <summary>
/// The conditions that raise alarms, each checked on a timer of the actor system's scheduler (never on a client's path):
/// <list type="bullet">
/// <item>high_cpu_usage and high_system_memory_usage (EMQX's <c>sysmon.os</c>), from the same
/// <see cref="ResourceReading"/> overload protection samples: the process's share of the CPU and of its memory;</item>
/// <item>too_many_connections: this node's connections against the enabled listeners' <c>max_connections</c> added up,
/// raised above <c>sysmon.connections.high_watermark</c> and cleared below <c>low_watermark</c>, so that an operator
/// hears of it before the listeners refuse anybody;</item>
/// <item>storage_unreachable: a write probed (and rolled back) every <c>sysmon.check_interval</c> fails, or does not
/// answer within the interval; cleared by the first that succeeds;</item>
/// <item>partition: some cluster member is unreachable, as this node's view of the membership says.</item>
/// </list>
/// </summary>
internal sealed partial class AlarmMonitor : IDisposable
{
    // A probe that takes longer than this is a storage that does not answer.
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(10);

    private readonly NodeAlarms _alarms;
    private readonly TimeProvider _time;
    private readonly ConnectionTracker _connections;
    private readonly NodeStatistics _statistics;
    private readonly BrokerPersistence _persistence;
    private readonly ILogger _logger;
    private readonly Watermark _cpu;
    private readonly Watermark _memory;
    private readonly Watermark _load;
    private readonly long _connectionLimit;
    private readonly TimeSpan _probeLimit;
    private readonly List<ICancelable> _timers = [];
    private readonly CancellationTokenSource _stopped = new();
    private ResourceReading _lastCpu;
    private int _probing;

    public AlarmMonitor(
        NodeAlarms alarms, TimeProvider time, ConnectionTracker connections, NodeStatistics statistics, BrokerPersistence persistence,
        BrokerOptions options, Scheduler scheduler, ILogger logger)
    {
        _alarms = alarms;
        _time = time;
        _connections = connections;
        _statistics = statistics;
        _persistence = persistence;
        _logger = logger;
        var sysmon = options.Sysmon;
        _cpu = new Watermark(sysmon.Os.CpuHighWatermark, sysmon.Os.CpuLowWatermark);
        _memory = new Watermark(sysmon.Os.SysmemHighWatermark, sysmon.Os.SysmemHighWatermark);
        _load = new Watermark(sysmon.Connections.HighWatermark, sysmon.Connections.LowWatermark);
        _connectionLimit = options.Listeners.All().Where(l => l.Listener.Enabled).Sum(l => (long)l.Listener.MaxConnections);
        _probeLimit = sysmon.CheckInterval.Value < ProbeLimit ? sysmon.CheckInterval.Value : ProbeLimit;
        _lastCpu = ResourceReading.Take(time);
        Every(scheduler, sysmon.Os.CpuCheckInterval.Value, CheckCpu);
        Every(scheduler, sysmon.Os.MemCheckInterval.Value, CheckMemory);
        Every(scheduler, sysmon.CheckInterval.Value, CheckNode);
    }

    public void Dispose()
    {
        foreach (var timer in _timers)
        {
            timer.Cancel();
        }

        _stopped.Cancel();
    }

    private void Every(Scheduler scheduler, TimeSpan interval, Action check) =>
        _timers.Add(scheduler.ScheduleRepeatedly(interval, interval, () =>
        {
            try
            {
                check();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogCheckFailed(_logger, check.Method.Name, e);
            }
        }));

    private void CheckCpu()
    {
        var reading = ResourceReading.Take(_time);
        var usage = reading.CpuShareSince(_lastCpu, _time, Environment.ProcessorCount);
        _lastCpu = reading;
        if (_cpu.Sample(usage) is { } high)
        {
            _alarms.State(high, AlarmNames.HighCpuUsage,
                () => NodeAlarms.Details(("usage", $"{usage:P0}"), ("high_watermark", _cpu.High * 100), ("low_watermark", _cpu.Low * 100)),
                () => $"{usage:P0} cpu usage");
        }
    }

    private void CheckMemory()
    {
        var reading = ResourceReading.Take(_time);
        var usage = reading.MemoryShare;
        if (_memory.Sample(usage) is { } high)
        {
            _alarms.State(high, AlarmNames.HighSystemMemoryUsage,
                () => NodeAlarms.Details(("usage", $"{usage:P0}"), ("high_watermark", _memory.High * 100), ("used_bytes", reading.MemoryUsed),
                    ("limit_bytes", reading.MemoryLimit)),
                () => $"System memory usage is higher than {_memory.High:P0}");
        }
    }

    private void CheckNode()
    {
        CheckConnections();
        CheckPartition();
        _ = ProbeStorageAsync();
        _alarms.Book.Sweep(_alarms.Now);
    }

    private void CheckConnections()
    {
        if (_connectionLimit <= 0)
        {
            return;
        }

        var count = _connections.Count;
        var usage = (double)count / _connectionLimit;
        if (_load.Sample(usage) is { } high)
        {
            _alarms.State(high, AlarmNames.TooManyConnections,
                () => NodeAlarms.Details(("connections", count), ("max_connections", _connectionLimit), ("high_watermark", _load.High * 100),
                    ("low_watermark", _load.Low * 100)),
                () => $"{count} connections, {usage:P0} of the listeners' max_connections ({_connectionLimit})");
        }
    }

    private void CheckPartition()
    {
        var unreachable = _statistics.Cluster().Unreachable;
        _alarms.State(unreachable.Count > 0, AlarmNames.Partition,
            () => NodeAlarms.Details(("occurred", _alarms.Book.Node), ("unreachable", unreachable)),
            () => $"Partition occurs at node {_alarms.Book.Node}: {string.Join(", ", unreachable)} unreachable");
    }

    /// <summary>One probe at a time: a storage that hangs is not asked again until it has answered or timed out.</summary>
    private async Task ProbeStorageAsync()
    {
        if (!_persistence.IsDurable || Interlocked.Exchange(ref _probing, 1) == 1)
        {
            return;
        }

        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stopped.Token);
            limit.CancelAfter(_probeLimit);
            string? failure = null;
            try
            {
                await _persistence.ProbeAsync(limit.Token).WaitAsync(_probeLimit, _time, _stopped.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException && !_stopped.IsCancellationRequested)
            {
                failure = e is TimeoutException or OperationCanceledException ? $"no answer within {_probeLimit.TotalSeconds:F0} s" : e.Message;
            }

            if (_stopped.IsCancellationRequested)
            {
                return;
            }

            _alarms.State(failure is not null, AlarmNames.StorageUnreachable,
                () => NodeAlarms.Details(("backend", _persistence.Backend.ToString().ToLowerInvariant()), ("reason", failure!)),
                () => $"The {_persistence.Backend.ToString().ToLowerInvariant()} storage cannot be written: {failure}");
        }
        catch (OperationCanceledException) when (_stopped.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alarm check {Check} failed")]
    private static partial void LogCheckFailed(ILogger logger, string check, Exception cause);
}
