using System.Text;

namespace Broker.Core.Security.Postgres;

/// <summary>The value bound to each parameter of a query for one client (<see cref="CredentialValues"/>).</summary>
public sealed class SqlParameterValues(ClientInfo client, ReadOnlyMemory<byte>? password = null)
{
    private readonly CredentialValues _values = new(client, password);

    /// <exception cref="PostgresAuthException">The password is not UTF-8, so it cannot be sent as text.</exception>
    public string this[CredentialPlaceholder placeholder]
    {
        get
        {
            try
            {
                return _values.Text(placeholder);
            }
            catch (DecoderFallbackException)
            {
                throw new PostgresAuthException("the password is not UTF-8 and cannot be bound to ${password}");
            }
        }
    }
}
