using Broker.Actors.TestKit.Persistence;
using Npgsql;

namespace Broker.Core.Tests.Security.Postgres;

/// <summary>
/// A schema of its own on the server of BROKER_TEST_POSTGRES for one test class, dropped with everything in it at
/// the end. <see cref="ConnectionString"/> puts it first on the search path, so the queries under test name their
/// tables unqualified (<c>mqtt_user</c>), as EMQX's do. Does nothing when the server is not configured (the tests
/// are then skipped).
/// </summary>
public sealed class PostgresSchema : IAsyncLifetime
{
    public string Name { get; } = "auth_test_" + Guid.NewGuid().ToString("N");

    public string ConnectionString => new NpgsqlConnectionStringBuilder(PostgresTestDatabase.RequireConnectionString())
    {
        SearchPath = Name,
    }.ConnectionString;

    public async Task InitializeAsync()
    {
        if (PostgresTestDatabase.ConnectionString is not null)
        {
            await ExecuteAsync($"CREATE SCHEMA \"{Name}\"");
        }
    }

    /// <summary>Runs <paramref name="sql"/> in the schema, <c>@p0</c>, <c>@p1</c>... bound to <paramref name="values"/>.</summary>
    public async Task ExecuteAsync(string sql, params object?[] values)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue("p" + i, values[i] ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        if (PostgresTestDatabase.ConnectionString is not null)
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE");
        }
    }
}
