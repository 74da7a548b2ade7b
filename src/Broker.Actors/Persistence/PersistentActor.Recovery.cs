namespace Broker.Actors.Persistence;

public abstract partial class PersistentActor
{
    /// <summary>Reads the stores off the actor's thread; each part comes back as a message, in order.</summary>
    private void StartRecovery()
    {
        if (!RecoversOnStart)
        {
            _recovering = false;
            return;
        }

        _recovering = true;
        _lifetime = new CancellationTokenSource();
        var persistence = Persistence;
        var persistenceId = PersistenceId;
        var criteria = RecoverySnapshot;
        var self = Self;
        var token = _lifetime.Token;
        _ = Task.Run(() => RecoverAsync(persistence, persistenceId, criteria, self, token), CancellationToken.None);
    }

    private async Task RecoverAsync(
        PersistenceExtension persistence, string persistenceId, SnapshotSelectionCriteria criteria, IActorRef self, CancellationToken cancellationToken)
    {
        try
        {
            await persistence.RecoveryPermits.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            SnapshotOffer? offer = null;
            var from = 1L;
            if (criteria.MaxSequenceNr > 0
                && await persistence.SnapshotStore.LoadAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                offer = new SnapshotOffer(stored.Metadata, persistence.Serializers.Deserialize(stored.Manifest, stored.Payload));
                from = stored.Metadata.SequenceNr + 1;
            }

            var batchSize = persistence.Settings.ReplayBatchSize;
            while (true)
            {
                var entries = await persistence.Journal.ReplayAsync(persistenceId, from, long.MaxValue, batchSize, cancellationToken).ConfigureAwait(false);
                var events = new ReplayedEvent[entries.Count];
                for (var i = 0; i < entries.Count; i++)
                {
                    events[i] = new ReplayedEvent(entries[i].SequenceNr, persistence.Serializers.Deserialize(entries[i].Manifest, entries[i].Payload));
                }

                if (entries.Count < batchSize)
                {
                    var highest = await persistence.Journal.ReadHighestSequenceNrAsync(persistenceId, cancellationToken).ConfigureAwait(false);
                    self.Tell(new RecoveryStep(this, offer, events, highest));
                    return;
                }

                self.Tell(new RecoveryStep(this, offer, events, null));
                offer = null;
                from = entries[^1].SequenceNr + 1;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while recovering: nobody is waiting for the rest.
        }
        catch (Exception e)
        {
            self.Tell(new RecoveryFailed(this, e));
        }
        finally
        {
            persistence.RecoveryPermits.Release();
        }
    }

    private void HandleRecoveryStep(RecoveryStep step)
    {
        if (!_recovering)
        {
            return;
        }

        object? current = null;
        try
        {
            if (step.Offer is { } offer)
            {
                current = offer;
                LastSequenceNr = SnapshotSequenceNr = offer.Metadata.SequenceNr;
                ReceiveRecover(offer);
            }

            foreach (var replayed in step.Events)
            {
                current = replayed.Event;
                LastSequenceNr = replayed.SequenceNr;
                ReceiveRecover(replayed.Event);
            }

            if (step.HighestSequenceNr is not { } highest)
            {
                return;
            }

            // Deleted events (covered by a snapshot that was later deleted too) still count: numbers are never reused.
            LastSequenceNr = _nextSequenceNr = Math.Max(LastSequenceNr, highest);
            current = RecoveryCompleted.Instance;
            _recovering = false;
            ReceiveRecover(RecoveryCompleted.Instance);
        }
        catch (Exception e)
        {
            FailRecovery(e, current);
            return;
        }

        if (_pendingStashingInvocations == 0)
        {
            Cell.InternalStash.UnstashAll();
        }
    }

    private void FailRecovery(Exception cause, object? @event)
    {
        _recovering = false;
        try
        {
            OnRecoveryFailure(cause, @event);
        }
        finally
        {
            StopAfterFailure();
        }
    }
}
