namespace Broker.Core.Sessions;

/// <summary>What <see cref="AwaitingRelSet.TryAdd"/> found.</summary>
public enum AwaitingRelAddResult : byte
{
    Added,

    /// <summary>A resent PUBLISH whose PUBREL has not come yet: acknowledge again, do not route again [MQTT-4.3.3-10].</summary>
    AlreadyAwaiting,

    /// <summary>More QoS 2 messages unreleased than the broker allows.</summary>
    Full,
}

/// <summary>
/// Packet ids of inbound QoS 2 PUBLISH packets that were routed and answered with PUBREC, waiting for
/// PUBREL (EMQX's awaiting_rel). Bounded by <c>max_awaiting_rel</c> (0: unbounded); each id keeps the
/// time it arrived, so that ids a client never releases are forgotten after <c>await_rel_timeout</c>.
/// The dictionary is made with the first QoS 2 message: most sessions never receive one (memory per idle connection).
/// </summary>
public sealed class AwaitingRelSet
{
    private Dictionary<ushort, long>? _receivedAtMs;

    public AwaitingRelSet(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
    }

    /// <summary>0 for no limit.</summary>
    public int Capacity { get; }

    public int Count => _receivedAtMs?.Count ?? 0;

    public bool Contains(ushort packetId) => _receivedAtMs?.ContainsKey(packetId) == true;

    public AwaitingRelAddResult TryAdd(ushort packetId, long nowMs)
    {
        _receivedAtMs ??= [];
        if (_receivedAtMs.ContainsKey(packetId))
        {
            return AwaitingRelAddResult.AlreadyAwaiting;
        }

        if (Capacity > 0 && _receivedAtMs.Count >= Capacity)
        {
            return AwaitingRelAddResult.Full;
        }

        _receivedAtMs[packetId] = nowMs;
        return AwaitingRelAddResult.Added;
    }

    public bool Remove(ushort packetId) => _receivedAtMs?.Remove(packetId) == true;

    /// <summary>Every id with the time it arrived: for a snapshot.</summary>
    public IEnumerable<(ushort PacketId, long ReceivedAtMs)> Entries() =>
        _receivedAtMs?.Select(static e => (e.Key, e.Value)) ?? [];

    /// <summary>When the id that has waited longest arrived; null when none waits.</summary>
    public long? OldestReceivedAtMs => _receivedAtMs is not { Count: > 0 } ? null : _receivedAtMs.Values.Min();

    /// <summary>Forgets the ids that arrived at or before <paramref name="cutoffMs"/>.</summary>
    public IReadOnlyList<ushort> RemoveReceivedAtOrBefore(long cutoffMs)
    {
        if (_receivedAtMs is null)
        {
            return [];
        }

        var expired = _receivedAtMs.Where(e => e.Value <= cutoffMs).Select(e => e.Key).ToList();
        foreach (var id in expired)
        {
            _receivedAtMs.Remove(id);
        }

        return expired;
    }
}
