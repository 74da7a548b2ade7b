using System.Text;

namespace Broker.Core.Security.Authentication.Http;

/// <summary>What the placeholders of one CONNECT stand for in a request (<see cref="CredentialValues"/>), as text or bytes.</summary>
internal sealed class HttpTemplateValues(Credentials credentials)
{
    private readonly CredentialValues _values = new(credentials.Client, credentials.Password);

    /// <summary>The password as its bytes, whatever they are (a query or a form can carry them); the rest as UTF-8.</summary>
    public byte[] Bytes(CredentialPlaceholder placeholder) => placeholder == CredentialPlaceholder.Password
        ? _values.Password?.ToArray() ?? []
        : Encoding.UTF8.GetBytes(_values.Text(placeholder));

    /// <exception cref="HttpAuthenticationException">The password is not valid UTF-8.</exception>
    public string Text(CredentialPlaceholder placeholder)
    {
        try
        {
            return _values.Text(placeholder);
        }
        catch (DecoderFallbackException)
        {
            // EMQX's encode_error: the request cannot be made, which is the service failing, not the client's denial.
            throw new HttpAuthenticationException("the password is not UTF-8 and cannot be sent as text");
        }
    }
}
