using Broker.Actors.Persistence;
using Broker.Host.Options;
using Broker.Host.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Host.Tests.Persistence;

/// <summary>What <c>persistence</c> opens at start, in this process; the broker as a process is in Process/.</summary>
public sealed class BrokerPersistenceTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "broker-persistence-" + Guid.NewGuid().ToString("N"));

    private BrokerOptions Options(Action<PersistenceOptions>? configure = null)
    {
        var options = new BrokerOptions();
        options.Node.DataDir = _dataDir;
        configure?.Invoke(options.Persistence);
        return options;
    }

    private static Task<BrokerPersistence> OpenAsync(BrokerOptions options) =>
        BrokerPersistence.OpenAsync(options.Persistence, options.Node, NullLoggerFactory.Instance, StartupRetry.None);

    [Fact]
    public async Task Durability_none_opens_nothing_and_creates_no_file()
    {
        await using var persistence = await OpenAsync(Options(p => p.Durability = PersistenceDurability.None));

        Assert.False(persistence.IsDurable);
        Assert.Null(persistence.Extension);
        Assert.Null(persistence.Sqlite);
        Assert.False(Directory.Exists(_dataDir));
    }

    [Fact]
    public async Task Sqlite_is_created_with_its_folder_under_the_data_dir_and_takes_snapshot_every()
    {
        await using var persistence = await OpenAsync(Options(p =>
        {
            p.Sqlite.Path = "store/broker.db";
            p.SnapshotEvery = 7;
        }));

        Assert.True(persistence.IsDurable);
        Assert.Equal(PersistenceDurability.Sync, persistence.Durability);
        Assert.Equal(Path.Combine(_dataDir, "store", "broker.db"), persistence.Sqlite!.Path);
        Assert.True(File.Exists(persistence.Sqlite.Path));
        Assert.Equal(7, persistence.Extension!.Settings.SnapshotEvery);
        Assert.Equal(TimeSpan.Zero, persistence.Sqlite.Options.CommitInterval);
    }

    [Fact]
    public async Task Periodic_durability_commits_the_journal_once_per_periodic_interval()
    {
        await using var persistence = await OpenAsync(Options(p =>
        {
            p.Durability = PersistenceDurability.Periodic;
            p.PeriodicInterval = Broker.Host.Configuration.Duration.FromMilliseconds(250);
        }));

        Assert.Equal(TimeSpan.FromMilliseconds(250), persistence.PeriodicInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), persistence.Sqlite!.Options.CommitInterval);
    }

    [Fact]
    public async Task A_sqlite_path_that_cannot_be_created_fails_naming_the_setting_and_the_path()
    {
        Directory.CreateDirectory(_dataDir);
        await File.WriteAllTextAsync(Path.Combine(_dataDir, "a-file"), "");

        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => OpenAsync(Options(p => p.Sqlite.Path = "a-file/broker.db")));

        Assert.Equal("persistence.sqlite.path", e.Setting);
        Assert.StartsWith($"persistence.sqlite.path: {Path.Combine(_dataDir, "a-file", "broker.db")} is not writable (", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_postgresql_fails_naming_the_setting_and_the_server()
    {
        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => OpenAsync(Options(p =>
        {
            p.Backend = PersistenceBackend.Postgresql;
            p.Postgresql.ConnectionString = "Host=127.0.0.1;Port=1;Username=broker;Password=secret;Timeout=5";
        })));

        Assert.Equal("persistence.postgresql.connection_string", e.Setting);
        Assert.StartsWith("persistence.postgresql.connection_string: cannot connect to 127.0.0.1:1 (", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_runtime_installs_the_stores_in_its_actor_system_and_closes_them_after_it_terminates()
    {
        var runtime = await BrokerRuntime.CreateAsync(Options(), NullLoggerFactory.Instance);
        var system = runtime.Context.System;

        Assert.Same(runtime.Persistence.Extension, PersistenceExtension.Get(system));

        await runtime.DisposeAsync();
        Assert.True(system.WhenTerminated.IsCompleted);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => runtime.Persistence.Extension!.Journal.ReadHighestSequenceNrAsync("x"));
    }

    [Fact]
    public async Task A_runtime_composed_without_storage_is_memory_only_whatever_the_options_say()
    {
        await using var runtime = BrokerRuntime.Create(Options(), NullLoggerFactory.Instance);

        Assert.False(runtime.Persistence.IsDurable);
        Assert.Throws<InvalidOperationException>(() => PersistenceExtension.Get(runtime.Context.System));
        Assert.False(Directory.Exists(_dataDir));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
