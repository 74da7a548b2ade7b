using Broker.Actors.Persistence;
using Broker.Actors.TestKit;
using Broker.Actors.TestKit.Persistence;

namespace Broker.Actors.Tests.Persistence;

/// <summary>Persistent actors on a real store, run once per store by the subclasses below.</summary>
public abstract class PersistentActorTests : ActorTestKit
{
    private readonly TestStore _store;

    protected PersistentActorTests(string kind)
    {
        // xunit has no asynchronous constructor; the store opens in milliseconds.
        _store = TestStore.OpenAsync(kind).GetAwaiter().GetResult();
        _store.Install(Sys, Counter.Serializers(), new PersistenceSettings { ReplayBatchSize = 7 });
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await _store.DisposeAsync();
        }
    }

    private IActorRef Start(string id, int snapshotEvery = 0, TestProbe? probe = null)
    {
        var actor = Sys.ActorOf(Counter.PropsFor(id, (probe ?? TestActor).Ref, snapshotEvery));
        return actor;
    }

    private void StopAndWait(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
    }

    private void AddAndWait(IActorRef actor, params int[] amounts)
    {
        foreach (var amount in amounts)
        {
            actor.Tell(new Add(amount));
            TestActor.ExpectMsg<Applied>(a => a.Amount == amount);
        }
    }

    [StoreFact]
    public void A_new_actor_recovers_empty_and_numbers_its_events_from_one()
    {
        var actor = Start("fresh");
        ExpectMsg(new Recovered(0, 0, null));

        actor.Tell(new Add(5));

        ExpectMsg(new Applied(5, 1));
    }

    [StoreFact]
    public void Recovery_replays_the_events_in_order_across_replay_batches()
    {
        var actor = Start("counter");
        ExpectMsg<Recovered>();
        AddAndWait(actor, Enumerable.Range(1, 20).ToArray());
        StopAndWait(actor);

        var again = Start("counter");

        // 20 events with a replay batch of 7: three full queries and a short one.
        ExpectMsg(new Recovered(210, 20, null));
        again.Tell(new Add(1));
        ExpectMsg(new Applied(1, 21));
    }

    [StoreFact]
    public void Recovery_starts_from_the_latest_snapshot_then_replays_the_events_after_it()
    {
        var actor = Start("snapshotted");
        ExpectMsg<Recovered>();
        AddAndWait(actor, 1, 2, 3);
        actor.Tell(new TakeSnapshot());
        Assert.Equal(3, ExpectMsg<SaveSnapshotSuccess>().Metadata.SequenceNr);
        AddAndWait(actor, 10, 20);
        StopAndWait(actor);

        Start("snapshotted");

        ExpectMsg(new Recovered(36, 5, 3));
    }

    [StoreFact]
    public void Snapshot_every_n_events_is_taken_by_itself()
    {
        var actor = Start("auto", snapshotEvery: 3);
        ExpectMsg<Recovered>();
        actor.Tell(new AddAll([1, 2, 3, 4]));
        for (var i = 0; i < 4; i++)
        {
            ExpectMsg<Applied>();
        }

        Assert.Equal(3, ExpectMsg<SaveSnapshotSuccess>().Metadata.SequenceNr);
        StopAndWait(actor);

        Start("auto", snapshotEvery: 3);
        ExpectMsg(new Recovered(10, 4, 3));
    }

    [StoreFact]
    public void Commands_that_arrive_while_an_event_is_persisted_wait_for_its_handler()
    {
        var actor = Start("stashing");
        ExpectMsg<Recovered>();

        // Sent at once: without stashing, each GetTotal would overtake the handler of the Add before it.
        actor.Tell(new Add(1));
        actor.Tell(new GetTotal());
        actor.Tell(new Add(2));
        actor.Tell(new GetTotal());

        ExpectMsg(new Applied(1, 1));
        ExpectMsg(new Total(1, 1));
        ExpectMsg(new Applied(2, 2));
        ExpectMsg(new Total(3, 2));
    }

    [StoreFact]
    public void Commands_sent_during_recovery_are_handled_after_it_in_their_order()
    {
        var actor = Start("early");
        ExpectMsg<Recovered>();
        AddAndWait(actor, 4);
        StopAndWait(actor);

        var again = Start("early");
        again.Tell(new GetTotal());
        again.Tell(new Add(1));
        again.Tell(new GetTotal());

        ExpectMsg(new Recovered(4, 1, null));
        ExpectMsg(new Total(4, 1));
        ExpectMsg(new Applied(1, 2));
        ExpectMsg(new Total(5, 2));
    }

    [StoreFact]
    public void PersistAsync_handlers_run_in_the_order_of_the_calls()
    {
        var actor = Start("async");
        ExpectMsg<Recovered>();

        for (var i = 1; i <= 50; i++)
        {
            actor.Tell(new AddAsync(i));
        }

        for (var i = 1; i <= 50; i++)
        {
            ExpectMsg(new Applied(i, i));
        }
    }

    [StoreFact]
    public void PersistAll_stores_the_events_of_one_command_atomically_with_consecutive_numbers()
    {
        var actor = Start("all");
        ExpectMsg<Recovered>();

        actor.Tell(new AddAll([1, 2, 3]));
        actor.Tell(new GetTotal());

        ExpectMsg(new Applied(1, 1));
        ExpectMsg(new Applied(2, 2));
        ExpectMsg(new Applied(3, 3));
        ExpectMsg(new Total(6, 3));
    }

    [StoreFact]
    public async Task Deleting_the_events_a_snapshot_covers_keeps_the_state_and_the_numbering()
    {
        var actor = Start("deleting");
        ExpectMsg<Recovered>();
        AddAndWait(actor, 1, 2, 3);
        actor.Tell(new TakeSnapshot());
        ExpectMsg<SaveSnapshotSuccess>();

        actor.Tell(new DeleteUpTo(3));

        ExpectMsg(new DeleteMessagesSuccess(3));
        Assert.Empty(await _store.Journal.ReplayAsync("deleting", 1, long.MaxValue, 10));
        StopAndWait(actor);
        var again = Start("deleting");
        ExpectMsg(new Recovered(6, 3, 3));
        again.Tell(new Add(4));
        ExpectMsg(new Applied(4, 4));
    }

    [StoreFact]
    public async Task A_failed_write_calls_OnPersistFailure_and_stops_the_actor()
    {
        var actor = Start("failing-write");
        ExpectMsg<Recovered>();
        AddAndWait(actor, 1);
        Watch(actor);

        await _store.BreakAsync();
        actor.Tell(new Add(2));
        actor.Tell(new GetTotal());

        ExpectMsg(new PersistFailed(new Added(2), 2));
        ExpectTerminated(actor);
    }

    [StoreFact]
    public async Task A_failed_recovery_calls_OnRecoveryFailure_and_stops_the_actor()
    {
        var actor = Start("failing-recovery");
        ExpectMsg<Recovered>();
        AddAndWait(actor, 1);
        StopAndWait(actor);

        await _store.BreakAsync();
        var again = Start("failing-recovery");
        Watch(again);

        ExpectMsg<RecoveryFailedWith>();
        ExpectTerminated(again);
    }

    [StoreFact]
    public async Task A_snapshot_that_cannot_be_stored_is_answered_with_SaveSnapshotFailure_and_the_actor_goes_on()
    {
        var actor = Start("failing-snapshot");
        ExpectMsg<Recovered>();
        AddAndWait(actor, 1);

        await _store.BreakAsync();
        actor.Tell(new TakeSnapshot());
        ExpectMsg<SaveSnapshotFailure>();
        actor.Tell(new GetTotal());

        ExpectMsg(new Total(1, 1));
    }

    [StoreFact]
    public void Many_actors_persisting_at_once_share_commits()
    {
        const int Actors = 100;
        const int EventsEach = 10;
        var before = _store.Journal.Statistics;
        var actors = Enumerable.Range(0, Actors).Select(i => Start($"many-{i}")).ToList();
        for (var i = 0; i < Actors; i++)
        {
            ExpectMsg<Recovered>();
        }

        for (var n = 1; n <= EventsEach; n++)
        {
            foreach (var actor in actors)
            {
                actor.Tell(new Add(n));
            }
        }

        for (var i = 0; i < Actors * EventsEach; i++)
        {
            ExpectMsg<Applied>();
        }

        var after = _store.Journal.Statistics;
        var events = after.Events - before.Events;
        var commits = after.Commits - before.Commits;
        Assert.Equal(Actors * EventsEach, events);
        Assert.True((double)events / commits > 1, $"{events} events in {commits} commits: group commit did not batch");
    }

    [StoreFact]
    public async Task A_new_actor_system_on_the_same_database_recovers_the_state()
    {
        await using (var first = ActorSystem.Create("first"))
        {
            _store.Install(first, Counter.Serializers());
            var probe = new TestProbe(first, DefaultTimeout);
            var actor = first.ActorOf(Counter.PropsFor("survivor", probe.Ref));
            probe.ExpectMsg<Recovered>();
            foreach (var amount in new[] { 7, 8, 9 })
            {
                actor.Tell(new Add(amount));
                probe.ExpectMsg<Applied>();
            }
        }

        await _store.ReopenAsync();
        await using var second = ActorSystem.Create("second");
        _store.Install(second, Counter.Serializers());
        var secondProbe = new TestProbe(second, DefaultTimeout);
        second.ActorOf(Counter.PropsFor("survivor", secondProbe.Ref));

        secondProbe.ExpectMsg(new Recovered(24, 3, null));
    }
}

public sealed class SqlitePersistentActorTests() : PersistentActorTests("sqlite");

[RequiresPostgres]
public sealed class PostgresPersistentActorTests() : PersistentActorTests("postgresql");
