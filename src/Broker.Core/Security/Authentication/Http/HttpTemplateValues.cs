using System.Text;

namespace Broker.Core.Security.Authentication.Http;

/// <summary>
/// What the placeholders of one CONNECT stand for. A value the client did not give (no username, no certificate) is
/// empty, as EMQX renders it.
/// </summary>
internal sealed class HttpTemplateValues(Credentials credentials)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public byte[] Bytes(HttpPlaceholder placeholder) => placeholder == HttpPlaceholder.Password
        ? credentials.Password?.ToArray() ?? []
        : Encoding.UTF8.GetBytes(Text(placeholder));

    /// <exception cref="HttpAuthenticationException">The password is not valid UTF-8.</exception>
    public string Text(HttpPlaceholder placeholder)
    {
        var client = credentials.Client;
        return placeholder switch
        {
            HttpPlaceholder.Username => client.Username ?? "",
            HttpPlaceholder.ClientId => client.ClientId,
            HttpPlaceholder.Password => PasswordText(),
            HttpPlaceholder.PeerHost => client.PeerHost is { } host ? (host.IsIPv4MappedToIPv6 ? host.MapToIPv4() : host).ToString() : "",
            HttpPlaceholder.CertCommonName => client.CertCommonName ?? "",
            HttpPlaceholder.CertSubject => client.CertSubject ?? "",
            _ => throw new ArgumentOutOfRangeException(nameof(placeholder)),
        };
    }

    private string PasswordText()
    {
        try
        {
            return credentials.Password is { } password ? StrictUtf8.GetString(password.Span) : "";
        }
        catch (DecoderFallbackException)
        {
            // EMQX's encode_error: the request cannot be made, which is the service failing, not the client's denial.
            throw new HttpAuthenticationException("the password is not UTF-8 and cannot be sent as text");
        }
    }
}
