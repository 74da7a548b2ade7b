using System.Net;
using System.Text.RegularExpressions;
using Broker.Transport.Connections;

namespace Broker.Host.Tracing;

/// <summary>
/// The node's traces (EMQX's <c>/api/v5/trace</c>): at most <see cref="MaxTraces"/>, each logging to
/// <c>{node.data_dir}/trace/{name}.log</c> at most <see cref="MaxFileBytes"/>. Which are in force is decided here, when
/// one is made, stopped or deleted and at each one's start and end (a timer each), and handed to the connections as a
/// whole (<see cref="PacketTraces.Set"/>): a connection never asks whether a trace has begun or ended. Traces are this
/// node's and live in memory: a restart forgets them (their files stay in the data dir). The API makes, stops and
/// deletes each on every node of the cluster (<see cref="Management.TraceRoutes"/>), so each node has its copy.
/// </summary>
internal sealed partial class PacketTracing : IDisposable
{
    /// <summary>As EMQX: more traces at once would make every packet of every client pay for them.</summary>
    public const int MaxTraces = 30;

    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>When a trace is given no end, as EMQX: ten minutes after its start.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(10);

    private readonly PacketTraces _active;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (PacketTrace Trace, ITimer[] Timers)> _traces = new(StringComparer.Ordinal);

    public PacketTracing(PacketTraces active, string directory, TimeProvider time)
    {
        _active = active;
        _directory = directory;
        _time = time;
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public IReadOnlyList<PacketTrace> List()
    {
        lock (_gate)
        {
            return [.. _traces.Values.Select(t => t.Trace).OrderByDescending(t => t.StartAt)];
        }
    }

    public PacketTrace? Find(string name)
    {
        lock (_gate)
        {
            return _traces.TryGetValue(name, out var entry) ? entry.Trace : null;
        }
    }

    /// <summary>Makes a trace, or says why not: (code, message) with EMQX's codes.</summary>
    public (PacketTrace? Trace, string? Code, string? Message) Create(string? name, string? typeName, string? filter, DateTimeOffset? startAt, DateTimeOffset? endAt)
    {
        if (name is null || !ValidName().IsMatch(name))
            return (null, "INVALID_PARAMS", "name must be 1 to 256 letters, digits, '-' or '_'");
        if (!TraceTypeNames.TryParse(typeName, out var type))
            return (null, "INVALID_PARAMS", $"type must be one of {TraceTypeNames.Known}");
        if (string.IsNullOrEmpty(filter))
            return (null, "INVALID_PARAMS", $"{typeName} is required for a trace of type {typeName}");
        if (type == TraceType.IpAddress && !IsAddress(filter))
            return (null, "INVALID_PARAMS", $"ip_address {filter} is not an IP address");
        if (type == TraceType.Topic && !Broker.Mqtt.Topics.TopicValidator.IsValidFilter(filter))
            return (null, "INVALID_PARAMS", $"topic {filter} is not a valid topic filter");
        var now = Now;
        var start = startAt ?? now;
        var end = endAt ?? start + DefaultDuration;
        if (end <= start || end <= now)
            return (null, "INVALID_PARAMS", "end_at must be later than start_at and than now");

        lock (_gate)
        {
            if (_traces.ContainsKey(name))
                return (null, "ALREADY_EXISTS", $"{name} Already Exists");
            if (_traces.Values.Any(t => t.Trace.Type == type && t.Trace.Filter == filter && !t.Trace.IsStopped && t.Trace.EndAt > now))
                return (null, "DUPLICATE_CONDITION", $"{name} Duplication Condition: a trace of {typeName} {filter} is in force");
            if (_traces.Count >= MaxTraces)
                return (null, "EXCEED_LIMIT", "Number of existing traces has reached the allowed maximum, please delete outdated traces first");
            var trace = new PacketTrace(name, type, filter, start, end, Path.Combine(_directory, name + ".log"), MaxFileBytes, _time);
            // A timer at its start and one at its end change the set in force; a start already past needs none.
            var timers = new[] { start - now, end - now }
                .Where(due => due > TimeSpan.Zero)
                .Select(due => _time.CreateTimer(_ => Refresh(), null, due, Timeout.InfiniteTimeSpan))
                .ToArray();
            _traces.Add(name, (trace, timers));
            RefreshLocked();
            return (trace, null, null);
        }
    }

    /// <summary>False when there is no such trace.</summary>
    public bool Stop(string name)
    {
        lock (_gate)
        {
            if (!_traces.TryGetValue(name, out var entry))
                return false;
            entry.Trace.Stop(Now);
            RefreshLocked();
            return true;
        }
    }

    /// <summary>Stops the trace and deletes its file; false when there is no such trace.</summary>
    public bool Delete(string name)
    {
        lock (_gate)
        {
            if (!_traces.Remove(name, out var entry))
                return false;
            Forget(entry);
            RefreshLocked();
            File.Delete(entry.Trace.Path);
            return true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var entry in _traces.Values)
                Forget(entry);
            _active.Set([]);
        }
    }

    private void Refresh()
    {
        lock (_gate)
        {
            RefreshLocked();
        }
    }

    private void RefreshLocked()
    {
        var now = Now;
        foreach (var (trace, _) in _traces.Values)
        {
            if (!trace.IsStopped && now >= trace.EndAt)
                trace.Stop(now); // closes its file at its end
        }

        _active.Set([.. _traces.Values.Select(t => t.Trace).Where(t => t.Status(now) == "running")]);
    }

    private static void Forget((PacketTrace Trace, ITimer[] Timers) entry)
    {
        foreach (var timer in entry.Timers)
            timer.Dispose();
        entry.Trace.Dispose();
    }

    // IPAddress.TryParse takes "10.0.0" as 10.0.0.0, which nobody tracing an address means.
    private static bool IsAddress(string text) =>
        IPAddress.TryParse(text, out var address)
        && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex ValidName();
}
