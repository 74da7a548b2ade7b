using Broker.Actors.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Core.Security.Records;

/// <summary>
/// The tables operators change while the broker runs (the built-in database's users, the banned list): every change is
/// a <see cref="SecurityRecord"/>, applied to its table in memory, written to the node's durable state (so it survives a
/// restart) and given to the cluster's <see cref="ISecurityReplication"/> (so every node has it). The last writer wins
/// by version; a removal leaves a tombstone for <see cref="TombstoneRetention"/>, so a node that comes back with an older
/// copy cannot bring a removed entry back within that time. Writes are rare: one lock orders them and their
/// durable writes per key; reads go to the tables, which are lock-free.
/// </summary>
public sealed partial class SecurityStore
{
    public const string DurableKind = "security";

    /// <summary>How long a removal is remembered: a node away for longer may bring the removed entry back with it.</summary>
    public static readonly TimeSpan TombstoneRetention = TimeSpan.FromDays(7);

    private readonly Dictionary<string, IRecordTable> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Kind, string Key), SecurityRecord> _records = [];
    private readonly Lock _lock = new();
    private readonly IDurableStateStore? _durable;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private ISecurityReplication? _replication;

    /// <param name="durable">Null: memory only (persistence durability none), lost at a restart like everything else.</param>
    public SecurityStore(IDurableStateStore? durable, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _durable = durable;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Adds a table; records of its kind already loaded are applied to it. Tables are registered before the broker serves.</summary>
    public void Register(IRecordTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        lock (_lock)
        {
            if (!_tables.TryAdd(table.Kind, table))
            {
                throw new InvalidOperationException($"a table of kind '{table.Kind}' is registered already");
            }

            foreach (var record in _records.Values.Where(r => r.Kind == table.Kind && !r.IsRemoved))
            {
                ApplyToTable(table, record);
            }
        }
    }

    /// <summary>The registered table of <paramref name="kind"/> when it is a <typeparamref name="T"/>; null otherwise.</summary>
    public T? Table<T>(string kind)
        where T : class, IRecordTable
    {
        lock (_lock)
        {
            return _tables.GetValueOrDefault(kind) as T;
        }
    }

    /// <summary>Reads the records stored on this node, before the bootstrap files are seeded and before the broker serves.</summary>
    public async Task<int> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (_durable is null)
        {
            return 0;
        }

        var loaded = 0;
        await foreach (var entry in _durable.LoadAllAsync(DurableKind, cancellationToken).ConfigureAwait(false))
        {
            SecurityRecord record;
            try
            {
                record = SecurityRecordFormat.Deserialize(entry.Key, entry.Manifest, entry.Payload);
            }
            catch (InvalidDataException e)
            {
                // Kept on disk: a newer node may have written it, and an operator can read it there.
                LogUnreadable(_logger, entry.Key, e.Message);
                continue;
            }

            lock (_lock)
            {
                if (record.Supersedes(Find(record.Kind, record.Key)))
                {
                    Apply(record);
                    loaded++;
                }
            }
        }

        return loaded;
    }

    /// <summary>
    /// An entry of a bootstrap file: it counts as version 0, so it is taken only where no change was made at run time,
    /// and it is not stored (the file gives it again at the next start).
    /// </summary>
    public void Seed(string kind, string key, string value)
    {
        var record = new SecurityRecord(kind, key, value, 0);
        lock (_lock)
        {
            // This node's file is the authority for what was never changed at run time, even where it changed since the last start.
            if (Find(kind, key) is not { Version: > 0 } and var current && current?.Value != value)
            {
                Apply(record);
                _replication?.Publish(record);
            }
        }
    }

    /// <summary>Adds or replaces an entry; completes once it is stored on this node (the cluster gets it in the background).</summary>
    public Task PutAsync(string kind, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Change(kind, key, value);
    }

    /// <summary>Removes an entry; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string kind, string key)
    {
        lock (_lock)
        {
            if (Find(kind, key) is not { IsRemoved: false })
            {
                return false;
            }
        }

        await Change(kind, key, null).ConfigureAwait(false);
        return true;
    }

    /// <summary>The live entries of a table, in key order.</summary>
    public IReadOnlyList<SecurityRecord> Entries(string kind)
    {
        lock (_lock)
        {
            return [.. _records.Values.Where(r => r.Kind == kind && !r.IsRemoved).OrderBy(r => r.Key, StringComparer.Ordinal)];
        }
    }

    public SecurityRecord? Get(string kind, string key)
    {
        lock (_lock)
        {
            return Find(kind, key) is { IsRemoved: false } record ? record : null;
        }
    }

    /// <summary>
    /// Starts giving changes to <paramref name="replication"/>, first every record held (tombstones too, so that the
    /// cluster learns of removals made while this node was apart). A node that rejoins a new cluster attaches it again.
    /// </summary>
    public void Attach(ISecurityReplication replication)
    {
        ArgumentNullException.ThrowIfNull(replication);
        lock (_lock)
        {
            _replication = replication;
            foreach (var record in _records.Values)
            {
                replication.Publish(record);
            }
        }
    }

    /// <summary>The cluster <paramref name="replication"/> carried ended (this node left it): changes stay on this node until the next attaches.</summary>
    public void Detach(ISecurityReplication replication)
    {
        lock (_lock)
        {
            if (ReferenceEquals(_replication, replication))
            {
                _replication = null;
            }
        }
    }

    /// <summary>A record another node wrote: applied and stored here when it is newer than this node's.</summary>
    public Task ApplyReplicated(SecurityRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            return record.Supersedes(Find(record.Kind, record.Key)) ? Store(Apply(record)) : Task.CompletedTask;
        }
    }

    /// <summary>
    /// Forgets tombstones past <see cref="TombstoneRetention"/> and entries that ended by themselves (expired bans), here
    /// only: every node sweeps its own with the same rule. Returns how many went.
    /// </summary>
    /// <param name="kind">Only this table's records (flapping detection sweeps its bans on a CONNECT); null: every table's.</param>
    public int Sweep(string? kind = null)
    {
        lock (_lock)
        {
            var gone = _records.Values.Where(r => (kind is null || r.Kind == kind) && IsObsolete(r)).ToList();
            foreach (var record in gone)
            {
                _records.Remove((record.Kind, record.Key));
                if (!record.IsRemoved && _tables.TryGetValue(record.Kind, out var table))
                {
                    ApplyToTable(table, record with { Value = null });
                }

                if (_durable is not null && record.Version > 0)
                {
                    Observe(_durable.DeleteAsync(DurableKind, SecurityRecordFormat.DurableKey(record.Kind, record.Key)), record);
                }
            }

            return gone.Count;
        }
    }

    /// <summary>Whether the cluster may forget the record too: a tombstone past retention, or an entry that ended by itself.</summary>
    public bool IsObsolete(SecurityRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var now = _time.GetUtcNow();
        if (record.IsRemoved)
        {
            return record.Version < (now - TombstoneRetention).ToUnixTimeMilliseconds();
        }

        lock (_lock)
        {
            return _tables.TryGetValue(record.Kind, out var table) && Expired(table, record, now);
        }
    }

    private Task Change(string kind, string key, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(key);
        lock (_lock)
        {
            // Later than anything this node has seen of the key, even if its clock went back.
            var version = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds(), (Find(kind, key)?.Version ?? 0) + 1);
            var record = Apply(new SecurityRecord(kind, key, value, version));
            _replication?.Publish(record);
            return Store(record);
        }
    }

    private SecurityRecord? Find(string kind, string key) => _records.GetValueOrDefault((kind, key));

    private SecurityRecord Apply(SecurityRecord record)
    {
        _records[(record.Kind, record.Key)] = record;
        if (_tables.TryGetValue(record.Kind, out var table))
        {
            ApplyToTable(table, record);
        }

        return record;
    }

    private void ApplyToTable(IRecordTable table, SecurityRecord record)
    {
        try
        {
            table.Apply(record.Key, record.Value);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // One bad entry (a newer node's format, a pattern this runtime cannot compile) must not stop the others.
            LogInapplicable(_logger, record.Kind, record.Key, e.Message);
        }
    }

    private bool Expired(IRecordTable table, SecurityRecord record, DateTimeOffset now)
    {
        try
        {
            return table.IsExpired(record.Value!, now);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private Task Store(SecurityRecord record)
    {
        if (_durable is null || record.Version == 0)
        {
            return Task.CompletedTask;
        }

        return Observe(_durable.UpsertAsync(DurableKind, SecurityRecordFormat.DurableKey(record.Kind, record.Key), SecurityRecordFormat.Manifest, SecurityRecordFormat.Serialize(record)), record);
    }

    private Task Observe(Task write, SecurityRecord record)
    {
        if (!write.IsCompletedSuccessfully)
        {
            _ = write.ContinueWith(
                t => LogWriteFailed(_logger, record.Kind, record.Key, t.Exception!.GetBaseException().Message),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return write;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Security record {Key} cannot be read and is skipped: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Security record {Kind}/{Key} cannot be applied and is skipped: {Reason}")]
    private static partial void LogInapplicable(ILogger logger, string kind, string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Security record {Kind}/{Key} was not stored: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string kind, string key, string reason);
}
