using System.Diagnostics;
using System.Globalization;
using Broker.Actors.Persistence;
using Broker.Actors.Persistence.PostgreSql;
using Broker.Actors.Persistence.Sqlite;
using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Retained;
using Broker.Mqtt;

namespace Broker.Benchmarks.Persistence;

/// <summary>
/// Durable retained messages (issue 6): how fast many concurrent publishers' retained messages are
/// upserted through the durable state store's group commit, then how long a restarted broker takes to
/// load them all back into a fresh <see cref="RetainedStore"/> (the store closed and opened again on the
/// same data; the operating system's file cache stays warm). Not a BenchmarkDotNet run: one timed pass.
/// </summary>
public static class RetainedRecovery
{
    private const int PayloadBytes = 64;

    public static async Task RunAsync(int count, int writers)
    {
        Console.WriteLine($"retained recovery: {count:N0} retained messages of {PayloadBytes} bytes, upserted by {writers} concurrent writers, then loaded back");
        await RunSqliteAsync(count, writers);
        var connectionString = Environment.GetEnvironmentVariable("BROKER_TEST_POSTGRES");
        if (string.IsNullOrEmpty(connectionString))
        {
            Console.WriteLine("postgresql: skipped, set BROKER_TEST_POSTGRES (see .ci/start-postgres)");
            return;
        }

        await RunPostgresAsync(connectionString, count, writers);
    }

    private static async Task RunSqliteAsync(int count, int writers)
    {
        var directory = Path.Combine(Path.GetTempPath(), "broker-retained-bench-" + Guid.NewGuid().ToString("N"));
        var options = new SqliteStoreOptions(Path.Combine(directory, "broker.db"));
        try
        {
            await MeasureAsync(
                "sqlite synchronous=FULL",
                async () =>
                {
                    var database = SqliteDatabase.Open(options);
                    return (new SqliteDurableStateStore(database), database.DisposeAsync);
                },
                count,
                writers);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"",-28} database file {new FileInfo(options.Path).Length / 1e6:N1} MB"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task RunPostgresAsync(string connectionString, int count, int writers)
    {
        var options = new PostgresStoreOptions(connectionString) { Schema = "bench_" + Guid.NewGuid().ToString("N") };
        try
        {
            await MeasureAsync(
                "postgresql (synchronous_commit on)",
                async () =>
                {
                    var database = await PostgresDatabase.OpenAsync(options);
                    return (new PostgresDurableStateStore(database), database.DisposeAsync);
                },
                count,
                writers);
        }
        finally
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {options.Schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task MeasureAsync(
        string name, Func<Task<(IDurableStateStore Store, Func<ValueTask> CloseDatabase)>> open, int count, int writers)
    {
        var messages = Messages(count);
        var (store, closeDatabase) = await open();
        var persistence = new RetainedMessagePersistence(store);
        var warmUp = Math.Min(count, 1000);
        await WriteAsync(persistence, messages[..warmUp], writers); // connections, statements, JIT
        var before = store.Statistics;
        var stopwatch = Stopwatch.StartNew();
        await WriteAsync(persistence, messages, writers);
        stopwatch.Stop();
        var after = store.Statistics;
        var writes = after.Writes - before.Writes;
        var commits = after.Commits - before.Commits;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name,-36} upsert {writes / stopwatch.Elapsed.TotalSeconds,10:N0} /s   {commits,6:N0} commits, {(double)writes / commits,6:N1} per commit, {stopwatch.Elapsed.TotalMilliseconds,8:N0} ms"));

        // The restart: everything closed, then opened again on the same data.
        await store.DisposeAsync();
        await closeDatabase();
        for (var pass = 1; pass <= 2; pass++)
        {
            (store, closeDatabase) = await open();
            var retained = new RetainedStore();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            stopwatch.Restart();
            var result = await new RetainedMessagePersistence(store).LoadIntoAsync(retained, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            stopwatch.Stop();
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            if (result.Loaded != count || retained.Count != count)
            {
                throw new InvalidOperationException($"loaded {result.Loaded} of {count}");
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{"",-36} load #{pass} {stopwatch.Elapsed.TotalMilliseconds,8:N0} ms   {count / stopwatch.Elapsed.TotalSeconds,10:N0} rows/s   {allocated / count,5:N0} B allocated per row"));
            await store.DisposeAsync();
            await closeDatabase();
        }
    }

    /// <summary>Each writer stores its share one message at a time, waiting for each commit, as a publisher awaiting its PUBACK in <c>sync</c> durability.</summary>
    private static Task WriteAsync(RetainedMessagePersistence persistence, ApplicationMessage[] messages, int writers) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(async writer =>
        {
            for (var i = writer; i < messages.Length; i += writers)
            {
                await persistence.StoreAsync(messages[i]);
            }
        }));

    private static ApplicationMessage[] Messages(int count)
    {
        var random = new Random(42);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var messages = new ApplicationMessage[count];
        for (var i = 0; i < count; i++)
        {
            var payload = new byte[PayloadBytes];
            random.NextBytes(payload);
            messages[i] = new ApplicationMessage
            {
                Topic = string.Create(CultureInfo.InvariantCulture, $"plant/b{i / 10_000}/line{i / 100 % 100}/machine{i % 100}/sensor"),
                Payload = payload,
                QoS = QualityOfService.AtLeastOnce,
                Retain = true,
                PublisherId = string.Create(CultureInfo.InvariantCulture, $"machine-{i % 1000}"),
                ReceivedAtMs = now,
            };
        }

        return messages;
    }
}
