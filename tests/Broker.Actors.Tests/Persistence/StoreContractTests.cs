using System.Text;
using Broker.Actors.Persistence;
using Broker.Actors.TestKit.Persistence;

namespace Broker.Actors.Tests.Persistence;

/// <summary>What every journal and snapshot store promises, run once per store by the subclasses below.</summary>
public abstract class StoreContractTests(string kind) : IAsyncLifetime
{
    private TestStore? _store;

    protected TestStore Store => _store!;

    private IJournal Journal => Store.Journal;

    private ISnapshotStore Snapshots => Store.SnapshotStore;

    public async Task InitializeAsync() => _store = await TestStore.OpenAsync(kind);

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private static JournalEntry Entry(string id, long nr) => new(id, nr, "text", Encoding.UTF8.GetBytes($"{id}#{nr}"));

    private static AtomicWrite Write(string id, long from, long to) =>
        new(id, Enumerable.Range((int)from, (int)(to - from + 1)).Select(nr => Entry(id, nr)).ToList());

    [StoreFact]
    public async Task Replay_returns_the_events_in_the_range_in_order_at_most_max()
    {
        await Journal.WriteAsync(Write("a", 1, 3));
        await Journal.WriteAsync(Write("a", 4, 10));
        await Journal.WriteAsync(Write("b", 1, 2));

        var all = await Journal.ReplayAsync("a", 1, long.MaxValue, 100);
        var window = await Journal.ReplayAsync("a", 3, 8, 4);

        Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), all.Select(e => e.SequenceNr));
        Assert.Equal("a#7", Encoding.UTF8.GetString(all[6].Payload));
        Assert.Equal([3L, 4, 5, 6], window.Select(e => e.SequenceNr));
        Assert.All(all, e => Assert.Equal("a", e.PersistenceId));
        Assert.Equal("text", all[0].Manifest);
    }

    [StoreFact]
    public async Task Highest_sequence_number_is_per_persistence_id_and_zero_for_an_unknown_one()
    {
        await Journal.WriteAsync(Write("a", 1, 5));
        await Journal.WriteAsync(Write("b", 1, 2));

        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("a"));
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync("b"));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("nobody"));
    }

    [StoreFact]
    public async Task A_sequence_number_that_exists_fails_its_write_and_only_that_one_even_when_committed_together()
    {
        await Journal.WriteAsync(Write("a", 1, 2));

        // Queued together, they are likely to share a commit: the bad one must not take the others down.
        var writes = Enumerable.Range(0, 20).Select(i => Journal.WriteAsync(Write($"ok{i}", 1, 3))).ToList();
        var duplicate = Journal.WriteAsync(Write("a", 2, 3));
        writes.AddRange(Enumerable.Range(20, 20).Select(i => Journal.WriteAsync(Write($"ok{i}", 1, 3))));

        await Assert.ThrowsAnyAsync<Exception>(() => duplicate);
        await Task.WhenAll(writes);
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync("a"));
        Assert.Equal([1L, 2], (await Journal.ReplayAsync("a", 1, long.MaxValue, 10)).Select(e => e.SequenceNr));
        Assert.Equal(3, await Journal.ReadHighestSequenceNrAsync("ok39"));
    }

    [StoreFact]
    public async Task Deleting_removes_the_events_up_to_the_number_but_keeps_the_highest_sequence_number()
    {
        await Journal.WriteAsync(Write("a", 1, 6));

        await Journal.DeleteMessagesToAsync("a", 4);
        Assert.Equal([5L, 6], (await Journal.ReplayAsync("a", 1, long.MaxValue, 10)).Select(e => e.SequenceNr));

        await Journal.DeleteMessagesToAsync("a", long.MaxValue);
        Assert.Empty(await Journal.ReplayAsync("a", 1, long.MaxValue, 10));
        Assert.Equal(6, await Journal.ReadHighestSequenceNrAsync("a"));
    }

    [StoreFact]
    public async Task Purge_forgets_the_events_and_the_highest_sequence_number_of_that_id_only()
    {
        await Journal.WriteAsync(Write("a", 1, 5));
        await Journal.DeleteMessagesToAsync("a", 3);
        await Journal.WriteAsync(Write("b", 1, 2));

        await Journal.PurgeAsync("a");

        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("a"));
        Assert.Empty(await Journal.ReplayAsync("a", 1, long.MaxValue, 10));
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync("b"));
        await Journal.WriteAsync(Write("a", 1, 1)); // the numbers start again
        Assert.Equal(1, await Journal.ReadHighestSequenceNrAsync("a"));
    }

    [StoreFact]
    public async Task Purge_of_many_ids_forgets_their_events_and_snapshots_and_nothing_else()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        foreach (var id in new[] { "a", "b", "kept" })
        {
            await Journal.WriteAsync(Write(id, 1, 3));
            await Snapshots.SaveAsync(Snapshot(id, 2, at, id));
        }

        await Journal.PurgeAllAsync(["a", "b", "never-written"]);
        await Snapshots.DeleteAllAsync(["a", "b", "never-written"]);

        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("a"));
        Assert.Empty(await Journal.ReplayAsync("b", 1, long.MaxValue, 10));
        Assert.Null(await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.Latest));
        Assert.Null(await Snapshots.LoadAsync("b", SnapshotSelectionCriteria.Latest));
        Assert.Equal(3, await Journal.ReadHighestSequenceNrAsync("kept"));
        Assert.NotNull(await Snapshots.LoadAsync("kept", SnapshotSelectionCriteria.Latest));
    }

    [StoreFact]
    public async Task Purges_asked_for_at_once_through_the_extension_go_in_batches_and_each_completes()
    {
        var persistence = new PersistenceExtension(Journal, Snapshots, new Broker.Actors.Persistence.Serialization.EventSerializerRegistry());
        var ids = Enumerable.Range(0, 50).Select(i => $"p{i}").ToList();
        foreach (var id in ids)
        {
            await Journal.WriteAsync(Write(id, 1, 2));
        }

        await Task.WhenAll(ids.Select(persistence.PurgeAsync));

        foreach (var id in ids)
        {
            Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(id));
        }
    }

    [StoreFact]
    public async Task Persistence_ids_are_listed_by_prefix_from_the_events_and_from_the_snapshots()
    {
        await Journal.WriteAsync(Write("session/a/1", 1, 2));
        await Journal.WriteAsync(Write("session/b%_/2", 1, 1));
        await Journal.WriteAsync(Write("other/c", 1, 1));
        await Journal.WriteAsync(Write("sessionX", 1, 1));
        await Snapshots.SaveAsync(new StoredSnapshot(new SnapshotMetadata("session/d/3", 7, DateTimeOffset.UtcNow), "text", [1]));
        await Journal.WriteAsync(Write("session/gone/4", 1, 1));
        await Journal.PurgeAsync("session/gone/4");

        var journalIds = await Journal.ReadPersistenceIdsAsync("session/");
        var snapshotIds = await Snapshots.ReadPersistenceIdsAsync("session/");

        Assert.Equal(["session/a/1", "session/b%_/2"], journalIds.Order(StringComparer.Ordinal));
        Assert.Equal(["session/d/3"], snapshotIds);
        Assert.Empty(await Journal.ReadPersistenceIdsAsync("session/%"));
    }

    [StoreFact]
    public async Task Group_commit_puts_concurrent_writes_of_many_writers_in_shared_transactions()
    {
        var before = Journal.Statistics;

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Journal.WriteAsync(Write($"w{i}", 1, 1))));

        var after = Journal.Statistics;
        var commits = after.Commits - before.Commits;
        Assert.Equal(200, after.Events - before.Events);
        Assert.True(commits < 200, $"200 concurrent writes took {commits} commits: nothing was grouped");
    }

    [StoreFact]
    public async Task Journal_reopened_on_the_same_data_reads_what_was_committed()
    {
        await Journal.WriteAsync(Write("a", 1, 3));

        await Store.ReopenAsync();

        Assert.Equal(3, (await Journal.ReplayAsync("a", 1, long.MaxValue, 10)).Count);
        Assert.Equal(3, await Journal.ReadHighestSequenceNrAsync("a"));
    }

    [StoreFact]
    public async Task A_broken_database_fails_writes_and_reads()
    {
        await Store.BreakAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => Journal.WriteAsync(Write("a", 1, 1)));
        await Assert.ThrowsAnyAsync<Exception>(() => Journal.ReplayAsync("a", 1, long.MaxValue, 10));
        await Assert.ThrowsAnyAsync<Exception>(() => Snapshots.LoadAsync("a", SnapshotSelectionCriteria.Latest));
    }

    [StoreFact]
    public async Task Snapshot_load_returns_the_latest_that_matches_the_criteria()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await Snapshots.SaveAsync(Snapshot("a", 10, at, "ten"));
        await Snapshots.SaveAsync(Snapshot("a", 20, at.AddSeconds(1), "twenty"));
        await Snapshots.SaveAsync(Snapshot("b", 30, at, "other"));

        var latest = await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.Latest);
        var upTo15 = await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.UpTo(15));
        var beforeSecond = await Snapshots.LoadAsync("a", new SnapshotSelectionCriteria(long.MaxValue, at));

        Assert.Equal(new SnapshotMetadata("a", 20, at.AddSeconds(1)), latest!.Metadata);
        Assert.Equal("twenty", Encoding.UTF8.GetString(latest.Payload));
        Assert.Equal(10, upTo15!.Metadata.SequenceNr);
        Assert.Equal(10, beforeSecond!.Metadata.SequenceNr);
        Assert.Null(await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.UpTo(9)));
        Assert.Null(await Snapshots.LoadAsync("nobody", SnapshotSelectionCriteria.Latest));
    }

    [StoreFact]
    public async Task Snapshot_saved_again_at_the_same_number_replaces_it_and_delete_removes_the_matching_ones()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await Snapshots.SaveAsync(Snapshot("a", 10, at, "first"));
        await Snapshots.SaveAsync(Snapshot("a", 10, at, "second"));
        await Snapshots.SaveAsync(Snapshot("a", 20, at, "twenty"));

        Assert.Equal("second", Encoding.UTF8.GetString((await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.UpTo(10)))!.Payload));

        await Snapshots.DeleteAsync("a", SnapshotSelectionCriteria.UpTo(10));
        Assert.Null(await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.UpTo(10)));
        Assert.Equal(20, (await Snapshots.LoadAsync("a", SnapshotSelectionCriteria.Latest))!.Metadata.SequenceNr);
    }

    private static StoredSnapshot Snapshot(string id, long nr, DateTimeOffset at, string text) =>
        new(new SnapshotMetadata(id, nr, at), "text", Encoding.UTF8.GetBytes(text));
}

public sealed class SqliteStoreContractTests() : StoreContractTests("sqlite");

[RequiresPostgres]
public sealed class PostgresStoreContractTests() : StoreContractTests("postgresql");
