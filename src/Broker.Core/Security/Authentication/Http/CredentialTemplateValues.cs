using System.Text;
using Broker.Core.Security.Http;

namespace Broker.Core.Security.Authentication.Http;

/// <summary>What the placeholders of one CONNECT stand for in a request (<see cref="CredentialValues"/>), as text or bytes.</summary>
internal sealed class CredentialTemplateValues(Credentials credentials) : IHttpTemplateValues
{
    /// <summary>The names an authenticator's request may hold.</summary>
    public static readonly string[] Placeholders = [.. Enum.GetValues<CredentialPlaceholder>().Select(CredentialPlaceholders.NameOf)];

    private readonly CredentialValues _values = new(credentials.Client, credentials.Password);

    /// <summary>The password as its bytes, whatever they are (a query or a form can carry them); the rest as UTF-8.</summary>
    public byte[] Bytes(string placeholder) => Placeholder(placeholder) == CredentialPlaceholder.Password
        ? _values.Password?.ToArray() ?? []
        : Encoding.UTF8.GetBytes(_values.Text(Placeholder(placeholder)));

    /// <exception cref="HttpServiceException">The password is not valid UTF-8.</exception>
    public string Text(string placeholder)
    {
        try
        {
            return _values.Text(Placeholder(placeholder));
        }
        catch (DecoderFallbackException)
        {
            // EMQX's encode_error: the request cannot be made, which is the service failing, not the client's denial.
            throw new HttpServiceException("the password is not UTF-8 and cannot be sent as text");
        }
    }

    private static CredentialPlaceholder Placeholder(string name) =>
        CredentialPlaceholders.Named(name) ?? throw new ArgumentOutOfRangeException(nameof(name), name, "not a placeholder of a CONNECT");
}
