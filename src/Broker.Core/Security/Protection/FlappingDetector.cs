using System.Collections.Concurrent;

namespace Broker.Core.Security.Protection;

/// <summary>
/// Bans a client id that connects too often (EMQX's flapping detection): a device in a reconnect loop costs every
/// CONNECT a session takeover, and a few of them can keep a node busy for everybody. Each client id's window starts at
/// its first CONNECT; the one past <see cref="FlappingSettings.MaxCount"/> inside it adds a ban to the
/// <see cref="BannedClients"/> (so every node of a cluster refuses it) and is refused. Windows that ended are swept once per window length; at most
/// <see cref="MaxTracked"/> client ids are counted at once, so a flood of fresh ids cannot grow the table without bound.
/// </summary>
public sealed class FlappingDetector
{
    public const int MaxTracked = 200_000;

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly FlappingSettings _settings;
    private readonly BannedClients _bans;
    private readonly TimeProvider _time;
    private long _nextSweepTicks;

    // How many client ids are counted: kept beside the dictionary, whose Count is too dear to read at every CONNECT.
    private int _tracked;

    public FlappingDetector(FlappingSettings settings, BannedClients bans, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(bans);
        ArgumentNullException.ThrowIfNull(time);
        _settings = settings;
        _bans = bans;
        _time = time;
        _nextSweepTicks = time.GetUtcNow().UtcTicks + settings.Window.Ticks;
    }

    public int Tracked => Volatile.Read(ref _tracked);

    /// <summary>Counts a CONNECT of <paramref name="clientId"/>; the ban it caused, when it was one too many.</summary>
    public Ban? Connecting(string clientId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var now = _time.GetUtcNow();
        SweepIfDue(now.UtcTicks);
        if (!_counters.TryGetValue(clientId, out var counter))
        {
            // Not _counters.Count, which takes every lock of the dictionary, on the CONNECT of each new client id.
            if (Volatile.Read(ref _tracked) >= MaxTracked)
            {
                return null;
            }

            var added = new Counter();
            counter = _counters.GetOrAdd(clientId, added);
            if (ReferenceEquals(counter, added))
            {
                Interlocked.Increment(ref _tracked);
            }
        }

        int count;
        lock (counter)
        {
            if (counter.Count == 0 || now.UtcTicks - counter.StartTicks >= _settings.Window.Ticks)
            {
                counter.StartTicks = now.UtcTicks;
                counter.Count = 0;
            }

            count = ++counter.Count;
        }

        if (count <= _settings.MaxCount)
        {
            return null;
        }

        var ban = new Ban(BanKind.ClientId, clientId, "flapping_detect",
            $"connected {count} times within {_settings.Window.TotalSeconds:0} s", now, now + _settings.BanTime);
        // In the list once this returns; stored and shared in the background (a failure is logged by the store).
        _ = _bans.AddAsync(ban);
        Forget(new KeyValuePair<string, Counter>(clientId, counter));
        return ban;
    }

    private void SweepIfDue(long nowTicks)
    {
        var due = Volatile.Read(ref _nextSweepTicks);
        if (nowTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, nowTicks + _settings.Window.Ticks, due) != due)
        {
            return;
        }

        // The bans this detector added end at ban_time; the list forgets them here, not only when their id comes back.
        _bans.RemoveExpired();
        foreach (var (clientId, counter) in _counters)
        {
            bool ended;
            lock (counter)
            {
                ended = nowTicks - counter.StartTicks >= _settings.Window.Ticks;
            }

            if (ended)
            {
                Forget(new KeyValuePair<string, Counter>(clientId, counter));
            }
        }
    }

    private void Forget(KeyValuePair<string, Counter> entry)
    {
        if (_counters.TryRemove(entry))
        {
            Interlocked.Decrement(ref _tracked);
        }
    }

    private sealed class Counter
    {
        public long StartTicks;
        public int Count;
    }
}
