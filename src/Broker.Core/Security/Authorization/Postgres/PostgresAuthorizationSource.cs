using Broker.Core.Security.Postgres;
using Broker.Mqtt;

namespace Broker.Core.Security.Authorization.Postgres;

/// <summary>
/// EMQX 5's <c>postgresql</c> authorization source (<c>emqx_authz_postgresql</c>). EMQX runs the query on each check
/// not in its cache; here it runs once, at CONNECT (<see cref="Authorizer.LoadRulesAsync"/>), and the client's rows
/// answer every check of its connection without waiting: its placeholders name only what a client is (username,
/// client id, address, certificate), never the topic or action, so the rows cannot change within a connection
/// unless the table does. A changed table reaches a client at its next CONNECT.
/// </summary>
public sealed class PostgresAuthorizationSource : IClientRulesSource, IAsyncDisposable, IDisposable
{
    private static readonly CredentialPlaceholder[] Placeholders =
    [
        CredentialPlaceholder.Username, CredentialPlaceholder.ClientId, CredentialPlaceholder.PeerHost,
        CredentialPlaceholder.CertCommonName, CredentialPlaceholder.CertSubject,
    ];

    private readonly PostgresQuery _query;
    private readonly TimeSpan _timeout;

    /// <exception cref="ArgumentException">The query names an unknown placeholder (or ${password}), the pool size is below 1.</exception>
    public PostgresAuthorizationSource(PostgresAuthorizationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.LoadTimeout, TimeSpan.Zero);
        _timeout = settings.LoadTimeout;
        _query = new PostgresQuery(settings.ConnectionString, settings.PoolSize, SqlTemplate.Parse(settings.Query, Placeholders));
    }

    public string Name => "postgresql";

    /// <exception cref="PostgresAuthException">The server refused the query.</exception>
    /// <exception cref="TimeoutException">No answer within the load timeout.</exception>
    /// <exception cref="Npgsql.NpgsqlException">The server cannot be reached.</exception>
    public async Task<IAuthorizationSource> LoadAsync(ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        IReadOnlyList<IReadOnlyDictionary<string, object?>> rows;
        try
        {
            rows = await _query.ReadAsync(new SqlParameterValues(client), int.MaxValue, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no rows within {_timeout.TotalMilliseconds:0} ms");
        }

        var rules = new AclRule[rows.Count];
        var problems = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            rules[i] = PostgresAclRow.Parse(rows[i], i + 1, out var problem);
            if (problem is not null)
            {
                problems.Add(problem);
            }
        }

        return new PostgresAcl(rules, problems);
    }

    /// <summary>Asked only for a client whose rules were not loaded: denied, the database not having been heard.</summary>
    public AclDecision Check(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain) => AclDecision.Deny;

    public ValueTask DisposeAsync() => _query.DisposeAsync();

    public void Dispose() => _query.Dispose();
}
