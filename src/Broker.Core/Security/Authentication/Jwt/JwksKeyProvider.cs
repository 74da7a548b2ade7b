using System.Net.Http.Headers;
using Microsoft.IdentityModel.Tokens;

namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>
/// The keys of <c>use_jwks = true</c>, fetched from the endpoint and kept: refreshed every <c>refresh_interval</c> in
/// the background, and refetched when a token names a <c>kid</c> they lack (key rotation), at most once per
/// <see cref="JwtAuthenticatorOptions.JwksRefetchInterval"/>. As EMQX does, a failed refresh keeps the last keys
/// until <c>max_fail_count</c> fetches in a row have failed. One fetch runs at a time; every caller waits on it
/// asynchronously, and a caller that gives up does not cancel it for the others.
/// </summary>
internal sealed class JwksKeyProvider : IJwtKeyProvider, IDisposable
{
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _endpoint;
    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeSpan _refetchInterval;
    private readonly int _maxFailCount;
    private readonly TimeProvider _time;
    private readonly ITimer _refreshTimer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();

    private IReadOnlyList<SecurityKey>? _keys;
    private int _failures;
    private string _lastFailure = "not fetched yet";
    private long? _lastFetchStarted;
    private Task? _fetching;

    /// <param name="http">Null: a client of its own (plain defaults); else the host's, for its TLS settings, not disposed here.</param>
    public JwksKeyProvider(JwtAuthenticatorOptions options, TimeProvider time, HttpClient? http)
    {
        _endpoint = options.Endpoint ?? throw new ArgumentException("endpoint: required with use_jwks = true", nameof(options));
        if (_endpoint.Scheme != Uri.UriSchemeHttp && _endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"endpoint: an http or https URL, not {_endpoint}", nameof(options));
        }

        if (options.MaxFailCount < 1)
        {
            throw new ArgumentException("max_fail_count: at least 1", nameof(options));
        }

        _headers = options.Headers;
        _requestTimeout = options.JwksRequestTimeout;
        _refetchInterval = options.JwksRefetchInterval;
        _maxFailCount = options.MaxFailCount;
        _time = time;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient();
        var refresh = options.RefreshInterval < MinRefreshInterval ? MinRefreshInterval : options.RefreshInterval;
        _refreshTimer = time.CreateTimer(_ => StartFetch(rateLimited: false), null, TimeSpan.Zero, refresh);
    }

    public async ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _keys) is { } keys)
        {
            return keys;
        }

        if (StartFetch(rateLimited: true) is { } fetching)
        {
            await fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            return _keys ?? throw new JwksUnavailableException($"no keys from {_endpoint}: {_lastFailure}");
        }
    }

    public async ValueTask<IReadOnlyList<SecurityKey>?> RefetchAsync(CancellationToken cancellationToken)
    {
        if (StartFetch(rateLimited: true) is not { } fetching)
        {
            return null;
        }

        await fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Volatile.Read(ref _keys);
    }

    /// <summary>The fetch under way, or a completed task: lets a test wait for a background refresh to land.</summary>
    internal Task Settled
    {
        get
        {
            lock (_gate)
            {
                return _fetching ?? Task.CompletedTask;
            }
        }
    }

    public void Dispose()
    {
        _refreshTimer.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <returns>The fetch under way or just started; null when rate-limited.</returns>
    private Task? StartFetch(bool rateLimited)
    {
        lock (_gate)
        {
            if (_fetching is { IsCompleted: false } running)
            {
                return running;
            }

            if (_stopping.IsCancellationRequested
                || (rateLimited && _lastFetchStarted is { } started && _time.GetElapsedTime(started) < _refetchInterval))
            {
                return null;
            }

            _lastFetchStarted = _time.GetTimestamp();
            _fetching = FetchAsync();
            return _fetching;
        }
    }

    /// <summary>Never throws: a failure is counted and kept for the next caller's message.</summary>
    private async Task FetchAsync()
    {
        // Off the caller's stack, so a timer callback or a CONNECT never runs the request synchronously.
        await Task.Yield();
        try
        {
            var keys = await DownloadAsync().ConfigureAwait(false);
            lock (_gate)
            {
                _keys = keys;
                _failures = 0;
            }
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            lock (_gate)
            {
                _lastFailure = e is OperationCanceledException ? $"no answer within {_requestTimeout.TotalSeconds:0.#} s" : e.Message;
                _failures++;
                if (_failures >= _maxFailCount)
                {
                    _keys = null;
                }
            }
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // Disposed while fetching: nobody is left to use the keys.
        }
    }

    private async Task<IReadOnlyList<SecurityKey>> DownloadAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(_requestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, _endpoint);
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new JwksUnavailableException($"HTTP {(int)response.StatusCode} from {_endpoint}");
        }

        var json = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException e)
        {
            throw new JwksUnavailableException($"not a JWKS: {e.Message}");
        }

        var keys = set.GetSigningKeys();
        return keys.Count > 0 ? [.. keys] : throw new JwksUnavailableException("the JWKS has no usable signing key");
    }
}
