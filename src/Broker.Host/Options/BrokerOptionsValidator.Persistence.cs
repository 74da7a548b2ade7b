using Broker.Host.Configuration;

namespace Broker.Host.Options;

public static partial class BrokerOptionsValidator
{
    private static void ValidatePersistence(PersistenceOptions persistence, List<ConfigurationError> errors)
    {
        // The binder only produces named values; a value set from code may be any number.
        if (!Enum.IsDefined(persistence.Backend))
            errors.Add(new("persistence.backend", $"must be sqlite or postgresql, got {(int)persistence.Backend}"));
        if (!Enum.IsDefined(persistence.Durability))
            errors.Add(new("persistence.durability", $"must be sync, periodic or none, got {(int)persistence.Durability}"));
        Positive(errors, "persistence.periodic_interval", persistence.PeriodicInterval);
        Range(errors, "persistence.snapshot_every", persistence.SnapshotEvery, 0, int.MaxValue);
        if (persistence.Backend == PersistenceBackend.Sqlite && string.IsNullOrWhiteSpace(persistence.Sqlite.Path))
            errors.Add(new("persistence.sqlite.path", "must not be empty"));
        if (persistence.Backend == PersistenceBackend.Postgresql)
            ValidateConnectionString(persistence.Postgresql.ConnectionString, errors);
    }

    private static void ValidateConnectionString(string connectionString, List<ConfigurationError> errors)
    {
        const string Key = "persistence.postgresql.connection_string";
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            errors.Add(new(Key, "is required when persistence.backend = postgresql, e.g. \"Host=127.0.0.1;Username=broker;Password=...;Database=broker\""));
            return;
        }

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            errors.Add(new(Key, $"is not a valid connection string: {e.Message}"));
        }
    }
}
