using Akka.Actor;
using Akka.Cluster;
using Broker.Core.Retained;
using Microsoft.Extensions.Logging;
using static Broker.Cluster.Retained.RetainedReplicationProtocol;

namespace Broker.Cluster.Retained;

/// <summary>
/// Snapshots pulled from other members, a chunk at a time.
/// <para><b>Joining</b> (a new node, or one restarted): once this node is Up and its retainer loaded from storage, it asks
/// the oldest other Up member for its snapshot (the next one, should that one not answer within
/// <see cref="ChunkTimeout"/>), and applies each change with the retainer's last-writer-wins rule. After the last chunk,
/// what this node had itself is settled against what the cluster gave it (the snapshot, and the changes members sent
/// meanwhile): a change newer than the cluster's (or one the cluster lacks, younger than the tombstone retention) goes
/// to every member; a message the cluster lacks and older than that is forgotten, since the cluster may have deleted it
/// longer ago than it remembers deletions. Only then is this node synchronized. A node
/// with no other Up member is synchronized at once with what it has.</para>
/// <para><b>Reachable again</b>: changes sent while a member was unreachable may be lost, so a synchronized node asks that
/// member for its snapshot (and the member asks this one): last writer wins on both sides, nothing is forgotten.</para>
/// </summary>
internal sealed partial class RetainedReplicatorActor
{
    private static readonly TimeSpan ChunkTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<long, Transfer> _transfers = [];

    // While joining: the version the snapshot gave each topic, and the members asked so far.
    private readonly Dictionary<string, RetainedVersion> _received = new(StringComparer.Ordinal);
    private readonly HashSet<Address> _asked = [];
    private long _lastRequestId;
    private bool _joining;

    private bool IsSynchronized => _synchronized.Task.IsCompleted;

    private void MaybeStartJoinTransfer()
    {
        if (_retainer is null || !_selfUp || _joining || IsSynchronized)
        {
            return;
        }

        _joining = true;
        // After the membership events already queued: the gossip that made this node Up may name Up members in them.
        Self.Tell(ChooseSource.Instance);
    }

    private void OnChooseSource()
    {
        var up = _members.Values.Where(m => m.Status == MemberStatus.Up).OrderBy(m => m, Member.AgeOrdering).ToList();
        if (up.Count == 0)
        {
            FinishJoin(source: null);
            return;
        }

        var source = up.FirstOrDefault(m => !_asked.Contains(m.Address));
        if (source is null)
        {
            // Every one was asked once: start again from the oldest.
            _asked.Clear();
            source = up[0];
        }

        _asked.Add(source.Address);
        StartTransfer(source.Address, isJoin: true);
    }

    private void OnReachableAgain(Member member)
    {
        if (_retainer is not null && IsSynchronized && !member.Address.Equals(_cluster.SelfAddress))
        {
            _logger.LogInformation("Retained replication: {Node} is reachable again; asking it for its retained messages", member.Address);
            StartTransfer(member.Address, isJoin: false);
        }
    }

    private void StartTransfer(Address source, bool isJoin)
    {
        var id = ++_lastRequestId;
        _transfers[id] = new Transfer(source, isJoin);
        Peer(source).Tell(new GetSnapshot(id), Self);
        Timers.StartSingleTimer(id, new TransferTimedOut(id), ChunkTimeout);
    }

    private void OnChunk(SnapshotChunk chunk)
    {
        if (!_transfers.TryGetValue(chunk.RequestId, out var transfer) || chunk.Index != transfer.NextIndex)
        {
            return; // of a transfer given up, or a repeat
        }

        List<RetainedChange> changes;
        try
        {
            changes = RetainedChangeFormat.ReadAll(chunk.Changes);
        }
        catch (InvalidDataException e)
        {
            _logger.LogWarning("Retained replication: a snapshot chunk from {Node} is unreadable: {Reason}", transfer.Source, e.Message);
            EndTransfer(chunk.RequestId, transfer);
            return;
        }

        foreach (var change in changes)
        {
            if (transfer.IsJoin)
            {
                Heard(change);
            }

            Apply(change);
        }

        transfer.Changes += changes.Count;
        transfer.NextIndex++;
        if (!chunk.IsLast)
        {
            Sender.Tell(new NextChunk(chunk.RequestId, transfer.NextIndex), Self);
            Timers.StartSingleTimer(chunk.RequestId, new TransferTimedOut(chunk.RequestId), ChunkTimeout);
            return;
        }

        _transfers.Remove(chunk.RequestId);
        Timers.Cancel(chunk.RequestId);
        if (transfer.IsJoin)
        {
            FinishJoin(transfer);
        }
        else
        {
            _logger.LogInformation("Retained replication: {Count} retained changes received from {Node}", transfer.Changes, transfer.Source);
        }
    }

    /// <summary>
    /// A change another member sent as it happened. While joining it counts as the cluster's, like the snapshot's: the
    /// snapshot may have been taken before it, and what the cluster has must not be forgotten as if only this node had it.
    /// </summary>
    private void OnReplicated(Replicated replicated)
    {
        if (!IsSynchronized)
        {
            Heard(replicated.Change);
        }

        Apply(replicated.Change);
    }

    private void Heard(RetainedChange change)
    {
        if (!_received.TryGetValue(change.Topic, out var seen) || change.Version.IsNewerThan(seen))
        {
            _received[change.Topic] = change.Version;
        }
    }

    private void OnTransferTimedOut(TransferTimedOut timeout)
    {
        if (_transfers.TryGetValue(timeout.RequestId, out var transfer))
        {
            _logger.LogWarning("Retained replication: {Node} sent no snapshot chunk within {Timeout}", transfer.Source, ChunkTimeout);
            EndTransfer(timeout.RequestId, transfer);
        }
    }

    /// <summary>Gives a transfer up; a join asks the next member.</summary>
    private void EndTransfer(long requestId, Transfer transfer)
    {
        _transfers.Remove(requestId);
        Timers.Cancel(requestId);
        if (transfer.IsJoin && !IsSynchronized)
        {
            Self.Tell(ChooseSource.Instance);
        }
    }

    /// <param name="source">The transfer that brought the cluster's snapshot; null when no other member was Up.</param>
    private void FinishJoin(Transfer? source)
    {
        int sent = 0, forgotten = 0;
        if (source is not null)
        {
            var staleBefore = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)_tombstoneRetention.TotalMilliseconds;
            foreach (var change in _retainer!.Snapshot())
            {
                if (_received.TryGetValue(change.Topic, out var theirs))
                {
                    if (change.Version.IsNewerThan(theirs))
                    {
                        Broadcast(change);
                        sent++;
                    }
                }
                else if (change.Message is not null && change.Version.TimestampMs < staleBefore)
                {
                    forgotten += _retainer.Forget(change) ? 1 : 0;
                }
                else
                {
                    Broadcast(change);
                    sent++;
                }
            }
        }

        _logger.LogInformation(
            "Retained replication: synchronized ({Received} retained changes from {Node}, {Sent} of this node's sent to the others, {Forgotten} forgotten)",
            source?.Changes ?? 0, source?.Source.ToString() ?? "no other member", sent, forgotten);
        _received.Clear();
        _asked.Clear();
        _joining = false;
        _synchronized.TrySetResult();
    }

    private sealed class Transfer(Address source, bool isJoin)
    {
        public Address Source { get; } = source;

        public bool IsJoin { get; } = isJoin;

        public int NextIndex { get; set; }

        public int Changes { get; set; }
    }
}
