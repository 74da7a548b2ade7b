namespace Broker.Core.Security.Postgres;

/// <summary>
/// PostgreSQL could not answer a query of the authenticator or the authorization source: the query is wrong, or a
/// value cannot be sent. EMQX's <c>backend_failure_result</c>; the message names the configured query, never the
/// values bound to it (one may be the password).
/// </summary>
public sealed class PostgresAuthException : Exception, ISafeMessage
{
    public PostgresAuthException()
    {
    }

    public PostgresAuthException(string message)
        : base(message)
    {
    }

    public PostgresAuthException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
