using Broker.Host.Configuration;
using Broker.Host.Options;

namespace Broker.Host.Tests.Configuration;

public sealed class PersistenceOptionsTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Error(Action<BrokerOptions> change) => OptionsErrors.Single(change);

    [Fact]
    public void Backend_and_durability_are_read_by_their_snake_case_names()
    {
        var result = _files.Load("persistence { backend = postgresql, durability = periodic, periodic_interval = 250ms, postgresql.connection_string = \"Host=127.0.0.1\" }");

        Assert.Empty(result.Errors);
        Assert.Equal(PersistenceBackend.Postgresql, result.Options.Persistence.Backend);
        Assert.Equal(PersistenceDurability.Periodic, result.Options.Persistence.Durability);
        Assert.Equal(TimeSpan.FromMilliseconds(250), result.Options.Persistence.PeriodicInterval.Value);
    }

    [Fact]
    public void An_unknown_durability_is_an_error_naming_the_key() =>
        Assert.StartsWith("persistence.durability:", _files.SingleError(_files.Load("persistence.durability = always")), StringComparison.Ordinal);

    [Fact]
    public void Postgresql_needs_a_connection_string() =>
        Assert.StartsWith(
            "persistence.postgresql.connection_string: is required when persistence.backend = postgresql",
            Error(o => o.Persistence.Backend = PersistenceBackend.Postgresql));

    [Fact]
    public void A_malformed_connection_string_is_an_error() =>
        Assert.StartsWith(
            "persistence.postgresql.connection_string: is not a valid connection string",
            Error(o =>
            {
                o.Persistence.Backend = PersistenceBackend.Postgresql;
                o.Persistence.Postgresql.ConnectionString = "Nonsense=1";
            }));

    [Fact]
    public void Periodic_interval_and_snapshot_every_are_checked()
    {
        Assert.Equal("persistence.periodic_interval: must be longer than 0s, got 0s", Error(o => o.Persistence.PeriodicInterval = Duration.FromMilliseconds(0)));
        Assert.Equal("persistence.snapshot_every: must be between 0 and 2147483647, got -1", Error(o => o.Persistence.SnapshotEvery = -1));
    }

    [Fact]
    public void The_sqlite_path_is_relative_to_the_data_directory_unless_absolute()
    {
        var node = new NodeOptions { DataDir = "/var/lib/broker" };

        Assert.Equal("/var/lib/broker/broker.db", new SqlitePersistenceOptions().ResolvePath(node));
        Assert.Equal("/srv/db/journal.db", new SqlitePersistenceOptions { Path = "/srv/db/journal.db" }.ResolvePath(node));
    }
}
