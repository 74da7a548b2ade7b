using System.Net;
using System.Text;

namespace Broker.Core.Security.Http;

/// <summary>
/// One configured HTTP service (an authenticator's, an authorization source's): its request template and one pooled
/// client (<c>pool_size</c> connections at most, no redirects, no proxy, no cookies). A request ends at
/// <c>request_timeout</c> or when the caller's token fires, whichever is first.
/// </summary>
internal sealed class HttpService : IDisposable
{
    /// <summary>More than any answer of allow, deny or ignore needs; a larger one is the service failing.</summary>
    private const int MaxAnswerBytes = 64 * 1024;

    private readonly HttpRequestTemplate _request;
    private readonly HttpClient _client;
    private readonly TimeSpan _requestTimeout;

    /// <param name="defaultBody">The fields sent when the settings give no body.</param>
    /// <param name="placeholders">The names the user fills; any other stays as written.</param>
    /// <exception cref="ArgumentException">The settings describe no valid request.</exception>
    public HttpService(HttpServiceSettings settings, IReadOnlyDictionary<string, string> defaultBody, IReadOnlyCollection<string> placeholders)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.PoolSize, 1, nameof(settings.PoolSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.RequestTimeout, TimeSpan.Zero, nameof(settings.RequestTimeout));
        _request = new HttpRequestTemplate(settings, defaultBody, placeholders);
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

    /// <summary>Sends the request for <paramref name="values"/> and reads what the whole answer means.</summary>
    /// <param name="interpret">Reads the answer; throws <see cref="HttpServiceException"/> for one that says nothing.</param>
    /// <exception cref="HttpServiceException">No answer within the timeout, the service unreachable, or its answer says nothing; the message names the configured URL.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<T> AskAsync<T>(IHttpTemplateValues values, Func<HttpStatusCode, string?, byte[], T> interpret, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_requestTimeout);
        try
        {
            using var request = _request.Create(values);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            return interpret(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpServiceException($"{_request.Describe}: no answer within {_requestTimeout.TotalMilliseconds:0} ms");
        }
        catch (HttpServiceException e)
        {
            throw new HttpServiceException($"{_request.Describe}: {e.Message}");
        }
        catch (HttpRequestException e)
        {
            // The innermost message (connection refused, ...) without the exception chain: the log shows the base
            // exception's message, and this one says which service.
            throw new HttpServiceException($"{_request.Describe}: {e.GetBaseException().Message}");
        }
    }

    public void Dispose() => _client.Dispose();
}
