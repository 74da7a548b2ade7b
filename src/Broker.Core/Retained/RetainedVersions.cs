using Broker.Core.Messaging;

namespace Broker.Core.Retained;

/// <summary>
/// The latest change of every topic a node in a cluster knows of: its retained message with that message's
/// <see cref="RetainedVersion"/>, or a tombstone (a deletion's version, no message). A change is taken only when its
/// version is newer than the topic's entry here, so every node ends with the same entry whatever order the changes
/// come in (last writer wins: commutative, idempotent). A tombstone is kept <see cref="IRetainedReplicator.TombstoneRetention"/>
/// past its version's time, then forgotten: an older set still travelling then would bring the message back.
/// Not thread-safe: the <see cref="Retainer"/> uses it under its lock, together with the <see cref="RetainedStore"/>.
/// </summary>
internal sealed class RetainedVersions
{
    private readonly Dictionary<string, RetainedChange> _latest = new(StringComparer.Ordinal);
    private int _tombstones;

    public int Count => _latest.Count;

    public int Tombstones => _tombstones;

    public RetainedChange? Find(string topic) => _latest.GetValueOrDefault(topic);

    /// <summary>Whether <paramref name="version"/> would replace the topic's entry.</summary>
    public bool Accepts(string topic, RetainedVersion version) =>
        !_latest.TryGetValue(topic, out var current) || version.IsNewerThan(current.Version);

    /// <summary>
    /// The version of a change made on this node now: later than anything known of the topic, so it wins over what this
    /// node served until now even when another node's clock runs ahead of this one's.
    /// </summary>
    public RetainedVersion NextLocal(string topic, long nowMs, string node) =>
        _latest.TryGetValue(topic, out var current) && current.Version.TimestampMs >= nowMs
            ? new RetainedVersion(current.Version.TimestampMs + 1, node)
            : new RetainedVersion(nowMs, node);

    public void Record(RetainedChange change)
    {
        if (_latest.TryGetValue(change.Topic, out var before) && before.IsDeletion)
        {
            _tombstones--;
        }

        _latest[change.Topic] = change;
        if (change.IsDeletion)
        {
            _tombstones++;
        }
    }

    /// <summary>Forgets the topic if its entry is still <paramref name="change"/> (a later one is left alone).</summary>
    public bool RemoveIfCurrent(RetainedChange change)
    {
        if (!_latest.TryGetValue(change.Topic, out var current) || current.Version != change.Version)
        {
            return false;
        }

        _latest.Remove(change.Topic);
        if (current.IsDeletion)
        {
            _tombstones--;
        }

        return true;
    }

    /// <summary>Forgets the topic if its entry still holds <paramref name="message"/> (the same instance): it expired.</summary>
    public bool RemoveIfHolding(ApplicationMessage message) =>
        _latest.TryGetValue(message.Topic, out var current) && ReferenceEquals(current.Message, message) && RemoveIfCurrent(current);

    /// <summary>Forgets the tombstones whose version is older than <paramref name="beforeMs"/>; returns how many.</summary>
    public int PurgeTombstones(long beforeMs)
    {
        if (_tombstones == 0)
        {
            return 0;
        }

        var old = _latest.Values.Where(c => c.IsDeletion && c.Version.TimestampMs < beforeMs).ToArray();
        foreach (var change in old)
        {
            RemoveIfCurrent(change);
        }

        return old.Length;
    }

    /// <summary>Every entry: the messages, expired or not, and the tombstones.</summary>
    public RetainedChange[] ToArray() => [.. _latest.Values];
}
