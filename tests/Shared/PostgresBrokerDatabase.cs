using Broker.Actors.TestKit.Persistence;
using Npgsql;

namespace Broker.Tests;

/// <summary>
/// A database of its own on the PostgreSQL server of BROKER_TEST_POSTGRES (CREATE DATABASE with a unique
/// name, dropped on dispose), so that brokers of tests running side by side never see each other's rows.
/// The role needs CREATEDB, which .ci/start-postgres grants.
/// </summary>
public sealed class PostgresBrokerDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

    private PostgresBrokerDatabase(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The connection string the broker is given: the server's, naming this database.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresBrokerDatabase> CreateAsync()
    {
        var server = PostgresTestDatabase.RequireConnectionString();
        var database = new PostgresBrokerDatabase(server, "broker_test_" + Guid.NewGuid().ToString("N"));
        await database.ExecuteAsync($"CREATE DATABASE \"{database.Name}\"");
        return database;
    }

    /// <summary>Runs <paramref name="sql"/> in this database (to look at what the broker stored, or break it).</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Runs <paramref name="sql"/> in this database on a connection of its own (no pool: a fault test may terminate pooled ones).</summary>
    public async Task ExecuteInDatabaseAsync(string sql)
    {
        var unpooled = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="sql"/> on the server's own database, outside this one (ALTER DATABASE, pg_terminate_backend).</summary>
    public Task ExecuteOnServerAsync(string sql) => ExecuteAsync(sql);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // FORCE: a broker killed with SIGKILL may leave connections the server has not noticed yet.
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }
}
