using System.Diagnostics;
using System.Globalization;
using Broker.Actors;
using Broker.Actors.Persistence;
using Broker.Actors.Persistence.PostgreSql;
using Broker.Actors.Persistence.Serialization;
using Broker.Actors.Persistence.Sqlite;

namespace Broker.Benchmarks.Persistence;

/// <summary>
/// Group-commit throughput of the journal: many persistent actors, each persisting small events with
/// <c>Persist</c> (one write in flight per actor, as a durable session in sync mode will), and the events
/// per second that come out with their handlers run. Not a BenchmarkDotNet run: one timed pass after a warm-up.
/// </summary>
public static class JournalThroughput
{
    public static async Task RunAsync(string backend, int actors, int eventsEach)
    {
        Console.WriteLine($"journal group commit: {actors} persistent actors x {eventsEach} events of 8 bytes, Persist (stashing)");
        if (backend is "sqlite" or "all")
        {
            await RunSqliteAsync(SqliteSynchronous.Full, actors, eventsEach);
            await RunSqliteAsync(SqliteSynchronous.Normal, actors, eventsEach);
        }

        if (backend is "postgresql" or "all")
        {
            var connectionString = Environment.GetEnvironmentVariable("BROKER_TEST_POSTGRES");
            if (string.IsNullOrEmpty(connectionString))
            {
                Console.WriteLine("postgresql: skipped, set BROKER_TEST_POSTGRES (see .ci/start-postgres)");
                return;
            }

            var options = new PostgresStoreOptions(connectionString) { Schema = "bench_" + Guid.NewGuid().ToString("N") };
            await using var database = await PostgresDatabase.OpenAsync(options);
            try
            {
                await using var journal = new PostgresJournal(database);
                await using var snapshots = new PostgresSnapshotStore(database);
                await MeasureAsync("postgresql (synchronous_commit on)", journal, snapshots, actors, eventsEach);
            }
            finally
            {
                await using var connection = new Npgsql.NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA {options.Schema} CASCADE", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }
    }

    private static async Task RunSqliteAsync(SqliteSynchronous synchronous, int actors, int eventsEach)
    {
        var directory = Path.Combine(Path.GetTempPath(), "broker-journal-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var database = SqliteDatabase.Open(new SqliteStoreOptions(Path.Combine(directory, "broker.db")) { Synchronous = synchronous });
            await using var journal = new SqliteJournal(database);
            await using var snapshots = new SqliteSnapshotStore(database);
            await MeasureAsync($"sqlite synchronous={synchronous.ToString().ToUpperInvariant()}", journal, snapshots, actors, eventsEach);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task MeasureAsync(string name, IJournal journal, ISnapshotStore snapshots, int actors, int eventsEach)
    {
        await using var system = ActorSystem.Create("journal-bench");
        var serializers = new EventSerializerRegistry().Register<Tick>("tick", new TickSerializer());
        PersistenceExtension.Install(system, new PersistenceExtension(journal, snapshots, serializers, new PersistenceSettings { SnapshotEvery = 0 }));
        var refs = new IActorRef[actors];
        using (var recovered = new CountdownEvent(actors))
        {
            for (var i = 0; i < actors; i++)
            {
                var persistenceId = $"bench-{i}";
                refs[i] = system.ActorOf(Props.Create(() => new Ticker(persistenceId, recovered)));
            }

            recovered.Wait();
        }

        await PassAsync(refs, Math.Max(1, eventsEach / 10)); // warm-up: connections, prepared statements, JIT
        var before = journal.Statistics;
        var elapsed = await PassAsync(refs, eventsEach);
        var after = journal.Statistics;
        var events = after.Events - before.Events;
        var commits = after.Commits - before.Commits;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name,-36} {events / elapsed.TotalSeconds,10:N0} events/s   {commits,7:N0} commits, {(double)events / commits,6:N1} events/commit, {elapsed.TotalMilliseconds,8:N0} ms"));
    }

    private static async Task<TimeSpan> PassAsync(IActorRef[] actors, int eventsEach)
    {
        var done = new CountdownEvent(actors.Length * eventsEach);
        var stopwatch = Stopwatch.StartNew();
        for (var n = 0; n < eventsEach; n++)
        {
            foreach (var actor in actors)
            {
                actor.Tell(new PersistTick(n, done));
            }
        }

        await Task.Run(done.Wait);
        stopwatch.Stop();
        done.Dispose();
        return stopwatch.Elapsed;
    }

    private sealed record PersistTick(long N, CountdownEvent Done);

    private sealed record Tick(long N);

    private sealed class TickSerializer : IEventSerializer
    {
        public byte[] ToBytes(object value) => BitConverter.GetBytes(((Tick)value).N);

        public object FromBytes(ReadOnlySpan<byte> bytes) => new Tick(BitConverter.ToInt64(bytes));
    }

    private sealed class Ticker(string persistenceId, CountdownEvent recovered) : PersistentActor
    {
        public override string PersistenceId => persistenceId;

        protected override void ReceiveRecover(object message)
        {
            if (message is RecoveryCompleted)
            {
                recovered.Signal();
            }
        }

        protected override void ReceiveCommand(object message)
        {
            if (message is PersistTick tick)
            {
                Persist(new Tick(tick.N), _ => tick.Done.Signal());
            }
        }
    }
}
