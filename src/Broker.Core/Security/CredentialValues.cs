using System.Text;

namespace Broker.Core.Security;

/// <summary>
/// What the <see cref="CredentialPlaceholder"/>s of one CONNECT stand for, as text: what the client did not give (no
/// username, no certificate) is the empty string, as EMQX renders it (<c>render_var(_, undefined) -> &lt;&lt;&gt;&gt;</c>).
/// </summary>
public sealed class CredentialValues(ClientInfo client, ReadOnlyMemory<byte>? password = null)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The password field as the client sent it, whatever its bytes.</summary>
    public ReadOnlyMemory<byte>? Password => password;

    /// <exception cref="DecoderFallbackException">The password is not UTF-8, so it has no text; the caller says what that costs.</exception>
    public string Text(CredentialPlaceholder placeholder) => placeholder switch
    {
        CredentialPlaceholder.Username => client.Username ?? "",
        CredentialPlaceholder.ClientId => client.ClientId,
        CredentialPlaceholder.Password => password is { } bytes ? StrictUtf8.GetString(bytes.Span) : "",
        CredentialPlaceholder.PeerHost => client.PeerHost is { } host ? (host.IsIPv4MappedToIPv6 ? host.MapToIPv4() : host).ToString() : "",
        CredentialPlaceholder.CertCommonName => client.CertCommonName ?? "",
        CredentialPlaceholder.CertSubject => client.CertSubject ?? "",
        _ => throw new ArgumentOutOfRangeException(nameof(placeholder)),
    };
}
