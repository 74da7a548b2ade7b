using Broker.Actors.Persistence;
using Broker.Actors.Persistence.Serialization;

namespace Broker.Actors.Tests.Persistence;

// A persistent counter: the smallest actor that exercises recovery, persist, snapshots and failures. It tells
// the probe what happened to it, so that tests wait on those signals.

public sealed record Added(int Amount);

public sealed record CounterSnapshot(int Total);

public sealed record Add(int Amount);

public sealed record AddAsync(int Amount);

public sealed record AddAll(int[] Amounts);

public sealed record GetTotal;

public sealed record TakeSnapshot;

public sealed record DeleteUpTo(long SequenceNr);

/// <summary>The counter's state as a command saw it.</summary>
public sealed record Total(int Value, long LastSequenceNr);

public sealed record Applied(int Amount, long SequenceNr);

public sealed record Recovered(int Total, long LastSequenceNr, long? FromSnapshot);

public sealed record PersistFailed(object Event, long SequenceNr);

public sealed record RecoveryFailedWith(Exception Cause);

public sealed class Counter(string persistenceId, IActorRef probe, int snapshotEvery = 0) : PersistentActor
{
    private int _total;
    private long? _fromSnapshot;

    public static EventSerializerRegistry Serializers() =>
        new EventSerializerRegistry().Register<Added>("added").Register<CounterSnapshot>("counter-snapshot");

    public static Props PropsFor(string persistenceId, IActorRef probe, int snapshotEvery = 0) =>
        Props.Create(() => new Counter(persistenceId, probe, snapshotEvery));

    public override string PersistenceId => persistenceId;

    protected override int SnapshotEvery => snapshotEvery;

    protected override object? GetSnapshotState() => new CounterSnapshot(_total);

    protected override void ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: CounterSnapshot snapshot } offer:
                _total = snapshot.Total;
                _fromSnapshot = offer.Metadata.SequenceNr;
                break;
            case Added added:
                _total += added.Amount;
                break;
            case RecoveryCompleted:
                probe.Tell(new Recovered(_total, LastSequenceNr, _fromSnapshot));
                break;
        }
    }

    protected override void ReceiveCommand(object message)
    {
        switch (message)
        {
            case Add add:
                Persist(new Added(add.Amount), Apply);
                break;
            case AddAsync add:
                PersistAsync(new Added(add.Amount), Apply);
                break;
            case AddAll all:
                PersistAll(all.Amounts.Select(a => new Added(a)), Apply);
                break;
            case GetTotal:
                probe.Tell(new Total(_total, LastSequenceNr));
                break;
            case TakeSnapshot:
                SaveSnapshot(new CounterSnapshot(_total));
                break;
            case DeleteUpTo delete:
                DeleteMessages(delete.SequenceNr);
                break;
            default:
                probe.Tell(message);
                break;
        }
    }

    private void Apply(Added added)
    {
        _total += added.Amount;
        probe.Tell(new Applied(added.Amount, LastSequenceNr));
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) => probe.Tell(new PersistFailed(@event, sequenceNr));

    protected override void OnRecoveryFailure(Exception cause, object? @event) => probe.Tell(new RecoveryFailedWith(cause));
}
