using System.Text;

namespace Broker.Core.Security.Postgres;

/// <summary>
/// The value of each placeholder for one client, as text: what the client did not give (no username, no
/// certificate) is the empty string, as EMQX renders it (<c>render_var(_, undefined) -> &lt;&lt;&gt;&gt;</c>).
/// </summary>
public sealed class SqlParameterValues(ClientInfo client, ReadOnlyMemory<byte>? password = null)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="PostgresAuthException">The password is not UTF-8, so it cannot be sent as text.</exception>
    public string this[SqlPlaceholder placeholder] => placeholder switch
    {
        SqlPlaceholder.Username => client.Username ?? "",
        SqlPlaceholder.ClientId => client.ClientId,
        SqlPlaceholder.Password => PasswordText(),
        SqlPlaceholder.PeerHost => client.PeerHost is { } host ? (host.IsIPv4MappedToIPv6 ? host.MapToIPv4() : host).ToString() : "",
        SqlPlaceholder.CertCommonName => client.CertCommonName ?? "",
        SqlPlaceholder.CertSubject => client.CertSubject ?? "",
        _ => throw new ArgumentOutOfRangeException(nameof(placeholder)),
    };

    private string PasswordText()
    {
        try
        {
            return password is { } bytes ? StrictUtf8.GetString(bytes.Span) : "";
        }
        catch (DecoderFallbackException)
        {
            throw new PostgresAuthException("the password is not UTF-8 and cannot be bound to ${password}");
        }
    }
}
