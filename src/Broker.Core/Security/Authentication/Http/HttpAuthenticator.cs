using System.Text;

namespace Broker.Core.Security.Authentication.Http;

/// <summary>
/// EMQX 5's <c>password_based</c> / <c>http</c> authenticator: each CONNECT becomes a request to a service, whose
/// answer allows, denies or ignores the client (<see cref="HttpAuthResponse"/>). One pooled client per authenticator
/// (<c>pool_size</c> connections at most, no redirects, no proxy, no cookies). A request ends at
/// <c>request_timeout</c> or when the chain's token fires, whichever is first; a service that fails or does not
/// answer throws <see cref="HttpAuthenticationException"/>, which the chain turns into the step's on-failure verdict.
/// </summary>
public sealed class HttpAuthenticator : IAuthenticator, IDisposable
{
    /// <summary>More than any answer of allow, deny or ignore needs; a larger one is the service failing.</summary>
    private const int MaxAnswerBytes = 64 * 1024;

    private readonly HttpRequestTemplate _request;
    private readonly HttpClient _client;
    private readonly TimeSpan _requestTimeout;

    /// <exception cref="ArgumentException">The settings describe no valid request.</exception>
    public HttpAuthenticator(HttpAuthenticatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.PoolSize, 1, nameof(settings.PoolSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.RequestTimeout, TimeSpan.Zero, nameof(settings.RequestTimeout));
        _request = new HttpRequestTemplate(settings);
        _requestTimeout = settings.RequestTimeout;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = settings.PoolSize,
            // Connections are renewed now and then so that a change of the service's DNS name is seen.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = settings.RequestTimeout,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        };
        _client = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = MaxAnswerBytes,
        };
    }

    public string Name => "password_based:http";

    public async ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_requestTimeout);
        try
        {
            using var request = _request.Create(credentials);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            return HttpAuthResponse.Interpret(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpAuthenticationException($"{_request.Describe}: no answer within {_requestTimeout.TotalMilliseconds:0} ms");
        }
        catch (HttpAuthenticationException e)
        {
            throw new HttpAuthenticationException($"{_request.Describe}: {e.Message}");
        }
        catch (HttpRequestException e)
        {
            // The innermost message (connection refused, ...) without the exception chain: the chain logs the base
            // exception's message, and this one says which service.
            throw new HttpAuthenticationException($"{_request.Describe}: {e.GetBaseException().Message}");
        }
    }

    public void Dispose() => _client.Dispose();
}
