using Broker.Core.Security.Http;

namespace Broker.Core.Security.Authentication.Http;

/// <summary>
/// EMQX 5's <c>password_based</c> / <c>http</c> authenticator: each CONNECT becomes a request to a service, whose
/// answer allows, denies or ignores the client (<see cref="HttpAuthResponse"/>). A service that fails or does not
/// answer within <c>request_timeout</c> throws <see cref="HttpServiceException"/>, which the chain turns into the
/// step's on-failure verdict.
/// </summary>
public sealed class HttpAuthenticator : IAuthenticator, IDisposable
{
    private readonly HttpService _service;

    /// <exception cref="ArgumentException">The settings describe no valid request.</exception>
    public HttpAuthenticator(HttpAuthenticatorSettings settings) =>
        _service = new HttpService(settings, HttpAuthenticatorSettings.DefaultBody, CredentialTemplateValues.Placeholders);

    public string Name => "password_based:http";

    public async ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return await _service.AskAsync(
            new CredentialTemplateValues(credentials),
            static (status, mediaType, body) => HttpAuthResponse.Interpret(status, mediaType, body),
            cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _service.Dispose();
}
