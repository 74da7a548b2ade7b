using System.Text;
using Broker.Actors.Persistence;
using Broker.Actors.Persistence.PostgreSql;
using Broker.Actors.Persistence.Sqlite;
using Broker.Actors.TestKit.Persistence;
using Npgsql;

namespace Broker.Actors.Tests.Persistence;

/// <summary>What every durable state store promises, run once per store by the subclasses below.</summary>
public abstract class DurableStateStoreContractTests : IAsyncLifetime
{
    protected IDurableStateStore Store { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>Closes the store (after committing what was written) and opens a new one on the same data.</summary>
    protected abstract Task ReopenAsync();

    /// <summary>Drops the table from another connection: statements then fail as on a lost database.</summary>
    protected abstract Task BreakAsync();

    /// <summary>Creates the table again, as a database that came back would have it.</summary>
    protected abstract Task RepairAsync();

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<Dictionary<string, string>> LoadAsync(string kind)
    {
        var values = new Dictionary<string, string>();
        await foreach (var entry in Store.LoadAllAsync(kind))
        {
            Assert.Equal(kind, entry.Kind);
            values.Add(entry.Key, entry.Manifest + ":" + Encoding.UTF8.GetString(entry.Payload));
        }

        return values;
    }

    [StoreFact]
    public async Task Load_returns_the_latest_value_of_each_key_of_the_kind_only()
    {
        await Store.UpsertAsync("retained", "a/b", "m1", Bytes("one"));
        await Store.UpsertAsync("retained", "a/b", "m2", Bytes("two"));
        await Store.UpsertAsync("retained", "c", "m1", Bytes("three"));
        await Store.UpsertAsync("other", "a/b", "m1", Bytes("elsewhere"));

        var retained = await LoadAsync("retained");

        Assert.Equal(new Dictionary<string, string> { ["a/b"] = "m2:two", ["c"] = "m1:three" }, retained);
        Assert.Equal(["a/b"], (await LoadAsync("other")).Keys);
        Assert.Empty(await LoadAsync("nothing"));
    }

    [StoreFact]
    public async Task Delete_removes_the_key_of_that_kind_and_a_missing_key_is_no_error()
    {
        await Store.UpsertAsync("retained", "a", "m", Bytes("x"));
        await Store.UpsertAsync("other", "a", "m", Bytes("y"));

        await Store.DeleteAsync("retained", "a");
        await Store.DeleteAsync("retained", "never");

        Assert.Empty(await LoadAsync("retained"));
        Assert.Single(await LoadAsync("other"));
    }

    [StoreFact]
    public async Task Changes_of_one_key_queued_together_apply_in_the_order_they_were_made()
    {
        await Store.UpsertAsync("k", "gone", "m", Bytes("old"));

        // Not awaited one by one: they are likely to share commits, where only the last change of a key may count.
        var writes = new List<Task>();
        for (var round = 0; round < 50; round++)
        {
            writes.Add(Store.UpsertAsync("k", "a", "m", Bytes($"a{round}")));
            writes.Add(Store.DeleteAsync("k", "b"));
            writes.Add(Store.UpsertAsync("k", "b", "m", Bytes($"b{round}")));
            writes.Add(Store.DeleteAsync("k", "gone"));
            writes.Add(Store.UpsertAsync("k", "c", "m", Bytes($"c{round}")));
            writes.Add(Store.DeleteAsync("k", "c"));
        }

        await Task.WhenAll(writes);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "m:a49", ["b"] = "m:b49" }, await LoadAsync("k"));
    }

    [StoreFact]
    public async Task Group_commit_puts_concurrent_writes_of_many_writers_in_shared_transactions()
    {
        var before = Store.Statistics;

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Store.UpsertAsync("k", $"key{i}", "m", Bytes("v"))));

        var after = Store.Statistics;
        var commits = after.Commits - before.Commits;
        Assert.Equal(200, after.Writes - before.Writes);
        Assert.True(commits < 200, $"200 concurrent writes took {commits} commits: nothing was grouped");
        Assert.Equal(200, (await LoadAsync("k")).Count);
    }

    [StoreFact]
    public async Task Load_streams_thousands_of_rows_and_stops_when_cancelled()
    {
        await Task.WhenAll(Enumerable.Range(0, 5000).Select(i => Store.UpsertAsync("k", $"plant/{i}", "m", new byte[64])));

        var count = 0;
        await foreach (var entry in Store.LoadAllAsync("k"))
        {
            Assert.Equal(64, entry.Payload.Length);
            count++;
        }

        using var cancel = new CancellationTokenSource();
        var read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Store.LoadAllAsync("k", cancel.Token))
            {
                if (++read == 10)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        Assert.Equal(5000, count);
        Assert.Equal(10, read);
    }

    [StoreFact]
    public async Task Store_reopened_on_the_same_data_reads_what_was_committed()
    {
        await Store.UpsertAsync("k", "a", "m", Bytes("kept"));
        var last = Store.UpsertAsync("k", "b", "m", Bytes("queued last"));

        await ReopenAsync();

        await last;
        Assert.Equal(new Dictionary<string, string> { ["a"] = "m:kept", ["b"] = "m:queued last" }, await LoadAsync("k"));
    }

    [StoreFact]
    public async Task A_broken_database_fails_writes_and_loads_and_the_store_works_again_when_it_returns()
    {
        await BreakAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => Store.UpsertAsync("k", "a", "m", Bytes("lost")));
        await Assert.ThrowsAnyAsync<Exception>(() => Store.DeleteAsync("k", "a"));
        await Assert.ThrowsAnyAsync<Exception>(async () => await LoadAsync("k"));
        Assert.True(Store.Statistics.FailedCommits >= 2);

        await RepairAsync();

        await Store.UpsertAsync("k", "a", "m", Bytes("back"));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "m:back" }, await LoadAsync("k"));
    }
}

public sealed class SqliteDurableStateStoreContractTests : DurableStateStoreContractTests
{
    private SqliteTestStore _files = null!;
    private SqliteDatabase _database = null!;

    public override async Task InitializeAsync()
    {
        _files = await SqliteTestStore.CreateAsync();
        _database = SqliteDatabase.Open(_files.Options);
        Store = new SqliteDurableStateStore(_database);
    }

    protected override async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        await _database.DisposeAsync();
        _database = SqliteDatabase.Open(_files.Options);
        Store = new SqliteDurableStateStore(_database);
    }

    protected override Task BreakAsync() => ExecuteAsync("DROP TABLE durable_state");

    protected override Task RepairAsync()
    {
        SqliteDatabase.Open(_files.Options);
        return Task.CompletedTask;
    }

    private Task ExecuteAsync(string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_files.Options.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await _database.DisposeAsync();
        await _files.DisposeAsync();
    }
}

[RequiresPostgres]
public sealed class PostgresDurableStateStoreContractTests : DurableStateStoreContractTests
{
    private PostgresTestStore _schema = null!;
    private PostgresDatabase _database = null!;

    public override async Task InitializeAsync()
    {
        _schema = await PostgresTestStore.CreateAsync();
        _database = await PostgresDatabase.OpenAsync(_schema.Options);
        Store = new PostgresDurableStateStore(_database);
    }

    protected override async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        await _database.DisposeAsync();
        _database = await PostgresDatabase.OpenAsync(_schema.Options);
        Store = new PostgresDurableStateStore(_database);
    }

    protected override async Task BreakAsync()
    {
        await using var connection = new NpgsqlConnection(_schema.Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP TABLE \"{_schema.Options.Schema}\".durable_state", connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task RepairAsync() => await (await PostgresDatabase.OpenAsync(_schema.Options)).DisposeAsync();

    public override async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await _database.DisposeAsync();
        await _schema.DisposeAsync();
    }
}
