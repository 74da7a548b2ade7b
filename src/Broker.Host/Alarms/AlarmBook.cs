using System.Text.Json;

namespace Broker.Host.Alarms;

/// <summary>
/// One node's alarms (EMQX's activated and deactivated tables): the active ones by name, and the history of cleared
/// ones, oldest first, bounded by <c>alarm.size_limit</c> (the oldest goes) and <c>alarm.validity_period</c> (counted
/// from when each was cleared). Pure state under one lock: the monitors raise and clear from their timers, the API
/// reads. Memory only, as EMQX's are local to their node: a restart clears them, and a condition still true is raised again.
/// </summary>
public sealed class AlarmBook
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Alarm> _active = new(StringComparer.Ordinal);
    private readonly LinkedList<Alarm> _history = new();
    private readonly int _sizeLimit;
    private readonly TimeSpan _validity;

    public AlarmBook(string node, int sizeLimit, TimeSpan validity)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeLimit, 1);
        Node = node;
        _sizeLimit = sizeLimit;
        _validity = validity;
    }

    public string Node { get; }

    /// <summary>Raises <paramref name="name"/>; null when it is active already (EMQX's already_existed), so a monitor may raise on every check.</summary>
    public Alarm? Activate(string name, JsonElement details, string message, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_active.ContainsKey(name))
            {
                return null;
            }

            var alarm = new Alarm(name, details.Clone(), message, now, null, Node);
            _active.Add(name, alarm);
            return alarm;
        }
    }

    /// <summary>Clears <paramref name="name"/> into the history; null when it was not active.</summary>
    public Alarm? Deactivate(string name, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_active.Remove(name, out var active))
            {
                return null;
            }

            var cleared = active with { DeactivateAt = now };
            if (_history.Count >= _sizeLimit)
            {
                _history.RemoveFirst();
            }

            _history.AddLast(cleared);
            return cleared;
        }
    }

    public bool IsActive(string name)
    {
        lock (_gate)
        {
            return _active.ContainsKey(name);
        }
    }

    /// <summary>The active alarms, oldest first.</summary>
    public IReadOnlyList<Alarm> Active()
    {
        lock (_gate)
        {
            return [.. _active.Values.OrderBy(a => a.ActivateAt)];
        }
    }

    /// <summary>The cleared alarms still kept at <paramref name="now"/>, oldest first.</summary>
    public IReadOnlyList<Alarm> Deactivated(DateTimeOffset now)
    {
        lock (_gate)
        {
            Expire(now);
            return [.. _history];
        }
    }

    /// <summary>EMQX's <c>DELETE /api/v5/alarms</c>: the history goes; the active alarms stay.</summary>
    public void ClearDeactivated()
    {
        lock (_gate)
        {
            _history.Clear();
        }
    }

    /// <summary>Drops what passed its validity, so that a node whose alarms nobody reads does not keep them longer.</summary>
    public void Sweep(DateTimeOffset now)
    {
        lock (_gate)
        {
            Expire(now);
        }
    }

    private void Expire(DateTimeOffset now)
    {
        while (_history.First is { } oldest && now - oldest.Value.DeactivateAt!.Value >= _validity)
        {
            _history.RemoveFirst();
        }
    }
}
