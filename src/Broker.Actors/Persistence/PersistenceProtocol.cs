namespace Broker.Actors.Persistence;

/// <summary>Given to <c>ReceiveRecover</c> first when recovery found a snapshot: the state to start from.</summary>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot);

/// <summary>Given to <c>ReceiveRecover</c> last, once every event is replayed; commands follow.</summary>
public sealed record RecoveryCompleted
{
    public static readonly RecoveryCompleted Instance = new();

    private RecoveryCompleted()
    {
    }
}

/// <summary>Replies to <c>SaveSnapshot</c>, as commands.</summary>
public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata);

public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);

/// <summary>Replies to <c>DeleteMessages</c>, as commands.</summary>
public sealed record DeleteMessagesSuccess(long ToSequenceNr);

public sealed record DeleteMessagesFailure(long ToSequenceNr, Exception Cause);

/// <summary>Replies to <c>DeleteSnapshots</c>, as commands.</summary>
public sealed record DeleteSnapshotsSuccess(SnapshotSelectionCriteria Criteria);

public sealed record DeleteSnapshotsFailure(SnapshotSelectionCriteria Criteria, Exception Cause);
