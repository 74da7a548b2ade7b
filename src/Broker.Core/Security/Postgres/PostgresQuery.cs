using Npgsql;
using NpgsqlTypes;

namespace Broker.Core.Security.Postgres;

/// <summary>
/// A <see cref="SqlTemplate"/> run on a pool of connections (<see cref="NpgsqlDataSource"/>, <c>pool_size</c> of them
/// at most). Rows come back as maps from column name to value (null for SQL NULL), which is how EMQX reads them:
/// by name, whatever else the query selects.
/// </summary>
public sealed class PostgresQuery : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <param name="connectionString">An Npgsql connection string (Host, Port, Database, Username, Password, SSL Mode...).</param>
    /// <param name="poolSize">EMQX's <c>pool_size</c>: connections kept open at most.</param>
    public PostgresQuery(string connectionString, int poolSize, SqlTemplate template)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentOutOfRangeException.ThrowIfLessThan(poolSize, 1);
        ArgumentNullException.ThrowIfNull(template);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = poolSize;
        builder.ConnectionStringBuilder.MinPoolSize = Math.Min(builder.ConnectionStringBuilder.MinPoolSize, poolSize);
        _dataSource = builder.Build();
        Template = template;
    }

    public SqlTemplate Template { get; }

    /// <summary>The rows, at most <paramref name="maxRows"/> of them.</summary>
    /// <exception cref="PostgresAuthException">The server refused the query (a syntax error, a missing table).</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the caller is released
    /// then even while Npgsql is still opening a connection to a server that does not answer (which it does not cancel:
    /// that attempt ends at the connection string's Timeout, holding one connection of the pool meanwhile).</exception>
    public Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadAsync(SqlParameterValues values, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        return ReadRowsAsync(values, maxRows, cancellationToken).WaitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadRowsAsync(SqlParameterValues values, int maxRows, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(Template.Statement);
        foreach (var placeholder in Template.Parameters)
        {
            // Unknown: sent as text of no declared type, so the server infers it from where $n stands, as for
            // EMQX's prepared statements (a varchar column, a text one, an inet cast...).
            command.Parameters.Add(new NpgsqlParameter { Value = values[placeholder], NpgsqlDbType = NpgsqlDbType.Unknown });
        }

        var rows = new List<IReadOnlyDictionary<string, object?>>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (rows.Count < maxRows && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new Dictionary<string, object?>(reader.FieldCount, StringComparer.Ordinal);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    // Of two columns of one name, the last wins, as in EMQX's maps:from_list.
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }
        }
        catch (PostgresException e)
        {
            // A wrong query, but also a wrong database name or role password: the server's words say which.
            throw new PostgresAuthException($"PostgreSQL answered the query \"{Template.Statement}\" with {e.SqlState}: {e.MessageText}", e);
        }

        return rows;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
