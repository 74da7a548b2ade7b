using Broker.Core.Messaging;
using Broker.Mqtt.Topics;

namespace Broker.Core.Retained;

/// <summary>
/// The retainer of a node in a cluster: every change carries a <see cref="RetainedVersion"/>, kept per topic in
/// <see cref="RetainedVersions"/> (deletions as tombstones), and the latest change wins on every node. This node's own
/// changes go to the <see cref="IRetainedReplicator"/> once committed; the other nodes' come in through
/// <see cref="ApplyRemote"/> and are stored here too, so a restarted node still has them. Versions, memory and storage
/// change together under the retainer's lock, so a local change and a remote one of the same topic cannot interleave.
/// </summary>
public sealed partial class Retainer
{
    // Set at construction or by AttachReplicator (a node joined while serving, or rejoining), cleared by DetachReplicator: _versions first.
    private volatile IRetainedReplicator? _replicator;
    private volatile RetainedVersions? _versions;

    /// <summary>
    /// Starts replicating on a node joined to a cluster while it serves (manual discovery): what it holds gets the
    /// version of a stored message, as at a start, then its changes go to <paramref name="replicator"/>. Once. A change
    /// made in the instant of the attach may be left without a version: the cluster's version of its topic then wins.
    /// </summary>
    public void AttachReplicator(IRetainedReplicator replicator)
    {
        ArgumentNullException.ThrowIfNull(replicator);
        lock (_lock)
        {
            if (_replicator is not null)
            {
                throw new InvalidOperationException("The retainer already has a replicator.");
            }

            // A node that rejoins keeps what it knew: its versions and tombstones still decide against the cluster's.
            _versions ??= new RetainedVersions();
            _replicator = replicator;
        }

        VersionLoaded();
    }

    /// <summary>
    /// Stops handing changes to <paramref name="replicator"/> (its cluster ended), keeping the versions, so that the
    /// next cluster's replicator can be attached. Changes made meanwhile stay on this node (unversioned, as stored
    /// ones: the cluster's version of their topic wins). Nothing happens when another one is attached.
    /// </summary>
    public void DetachReplicator(IRetainedReplicator replicator)
    {
        ArgumentNullException.ThrowIfNull(replicator);
        lock (_lock)
        {
            if (ReferenceEquals(_replicator, replicator))
            {
                _replicator = null;
            }
        }
    }

    /// <summary>The number of deletions remembered as tombstones; 0 on a node of its own.</summary>
    public int TombstoneCount
    {
        get
        {
            lock (_lock)
            {
                return _versions?.Tombstones ?? 0;
            }
        }
    }

    private RetainedVersions Versions =>
        _versions ?? throw new InvalidOperationException("This retainer has no replicator: it keeps no versions.");

    /// <summary>The topic's latest change this node knows (its message, or a tombstone), with its version; null when none.</summary>
    public RetainedChange? FindChange(string topic)
    {
        lock (_lock)
        {
            return Versions.Find(topic);
        }
    }

    /// <summary>
    /// Takes a change another node made when it is newer than this node's entry for the topic: memory, storage and the
    /// topic's version change. A set that has expired on its way deletes what it replaces, as on every node. A row
    /// storage refuses is logged by the storage and kept in memory: it is the cluster's value, and a restarted node
    /// gets it again from the cluster. Returns whether the change won.
    /// </summary>
    /// <exception cref="ArgumentException">The topic is not a topic name, or the message is for another topic.</exception>
    public bool ApplyRemote(RetainedChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!TopicValidator.IsValidTopicName(change.Topic) || (change.Message is { } m && m.Topic != change.Topic))
        {
            throw new ArgumentException($"'{change.Topic}' is not a valid retained change.", nameof(change));
        }

        var versions = Versions;
        lock (_lock)
        {
            if (!versions.Accepts(change.Topic, change.Version))
            {
                return false;
            }

            var message = change.Message is { Payload.IsEmpty: false } set && !set.IsExpired(NowMs) ? set : null;
            if (message is null)
            {
                versions.Record(change with { Message = null });
                Messages.Delete(change.Topic);
                _ = _persistence?.DeleteAsync(change.Topic);
            }
            else
            {
                versions.Record(change);
                Messages.Retain(message);
                _ = _persistence?.StoreAsync(message);
            }
        }

        return true;
    }

    /// <summary>
    /// Every topic's latest change this node knows, each with its version: the unexpired messages and the tombstones.
    /// What a joining node is sent.
    /// </summary>
    public IReadOnlyList<RetainedChange> Snapshot()
    {
        RetainedChange[] all;
        lock (_lock)
        {
            all = Versions.ToArray();
        }

        var now = NowMs;
        return all.Where(c => c.Message is not { } message || !message.IsExpired(now)).ToArray();
    }

    /// <summary>
    /// Drops the topic's entry from memory and storage, leaving no tombstone, if it is still <paramref name="change"/>:
    /// for what only this node had and the cluster may have deleted longer ago than it remembers.
    /// </summary>
    public bool Forget(RetainedChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            if (!Versions.RemoveIfCurrent(change))
            {
                return false;
            }

            if (change.Message is { } message && Messages.RemoveIfCurrent(message))
            {
                _ = _persistence?.DeleteAsync(change.Topic);
            }
        }

        return true;
    }

    /// <summary>
    /// A change made on this node: stamped later than anything known of its topic, applied to memory and versions, its
    /// row queued; handed to the replicator once committed (at once without storage). A change storage refuses is
    /// undone, version included, unless a later one replaced it, and is never replicated.
    /// </summary>
    private Task? StoreReplicated(ApplicationMessage message, IRetainedReplicator replicator, RetainedVersions versions)
    {
        RetainedChange change;
        RetainedChange? before;
        ApplicationMessage? previous;
        Task? write;
        lock (_lock)
        {
            previous = Messages.Find(message.Topic);
            before = versions.Find(message.Topic);
            var version = versions.NextLocal(message.Topic, NowMs, replicator.NodeName);
            Messages.Retain(message);
            change = new RetainedChange(message.Topic, message.Payload.IsEmpty ? null : message, version);
            versions.Record(change);
            write = _persistence?.StoreAsync(message);
        }

        if (write is null)
        {
            replicator.Changed(change);
            return null;
        }

        return ReplicateWhenStoredAsync(write, change, before, previous, replicator);
    }

    private async Task ReplicateWhenStoredAsync(
        Task write, RetainedChange change, RetainedChange? before, ApplicationMessage? previous, IRetainedReplicator replicator)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch
        {
            lock (_lock)
            {
                if (Versions.RemoveIfCurrent(change))
                {
                    Messages.Revert(change.Topic, change.Message, previous);
                    if (before is not null)
                    {
                        Versions.Record(before);
                    }
                }
            }

            throw;
        }

        replicator.Changed(change);
    }

    /// <summary>Messages loaded from storage get the version of a stored message (<see cref="RetainedVersion.Stored"/>).</summary>
    private void VersionLoaded()
    {
        if (_versions is not { } versions)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var message in Messages.All())
            {
                if (versions.Find(message.Topic) is null)
                {
                    versions.Record(new RetainedChange(message.Topic, message, RetainedVersion.Stored(message)));
                }
            }
        }
    }

    private void PurgeTombstones()
    {
        // Detached (a node between two clusters): the tombstones wait for the next replicator.
        if (_versions is not { } versions || _replicator is not { } replicator)
        {
            return;
        }

        var before = NowMs - (long)replicator.TombstoneRetention.TotalMilliseconds;
        lock (_lock)
        {
            versions.PurgeTombstones(before);
        }
    }
}
