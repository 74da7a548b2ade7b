using System.Net.Http.Json;
using System.Text.Json;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker ctl</c>'s side of a node's management endpoint: one HTTP request per call, each bounded. An endpoint that
/// cannot be reached throws <see cref="ManagementUnreachableException"/>; an answer other than 2xx comes back as
/// <see cref="ManagementAnswer"/> with its status and message.
/// </summary>
internal sealed class ManagementClient : IDisposable
{
    private static readonly TimeSpan RequestLimit = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string? _credentialSource;

    /// <param name="credential">Sent as HTTP Basic on every request; null: none (the cluster routes need none).</param>
    /// <param name="credentialSource">Where the credential came from, named when the node refuses it.</param>
    public ManagementClient(Uri endpoint, NodeCredential? credential = null, string? credentialSource = null)
    {
        _endpoint = endpoint;
        _credentialSource = credentialSource;
        _http = new() { BaseAddress = endpoint, Timeout = RequestLimit };
        if (credential is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{credential.Key}:{credential.Secret}")));
        }
    }

    public Uri Endpoint => _endpoint;

    public async Task<(ManagementAnswer Answer, MembersJson? Members)> GetMembersAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, ClusterRoutes.MembersPath), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            return (await AnswerAsync(response, cancellationToken).ConfigureAwait(false), null);
        var members = await ReadAsync(response, ManagementJson.Default.MembersJson, cancellationToken).ConfigureAwait(false);
        return (new ManagementAnswer(response.StatusCode, ""), members);
    }

    public Task<ManagementAnswer> JoinAsync(string address, CancellationToken cancellationToken) =>
        AskAsync(HttpMethod.Post, ClusterRoutes.MembersPath, new() { ["address"] = address }, cancellationToken);

    public Task<ManagementAnswer> LeaveAsync(string node, CancellationToken cancellationToken) =>
        AskAsync(HttpMethod.Delete, MemberPath(node), null, cancellationToken);

    public Task<ManagementAnswer> DownAsync(string node, CancellationToken cancellationToken) =>
        AskAsync(HttpMethod.Put, MemberPath(node), new() { ["operation"] = "Down" }, cancellationToken);

    /// <summary>
    /// A request with a JSON body (or none) to the /api/v5 routes: a success's body read as <typeparamref name="T"/>
    /// (null when there is none, as after a DELETE), a failure's message from EMQX's {"code","message"}.
    /// </summary>
    public async Task<(ManagementAnswer Answer, T? Body)> SendAsync<T>(
        HttpMethod method, string path, string? json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>? type, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = json is null ? null : new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || type is null || response.StatusCode == System.Net.HttpStatusCode.NoContent)
            return (await AnswerAsync(response, cancellationToken).ConfigureAwait(false), null);
        var body = await ReadAsync(response, type, cancellationToken).ConfigureAwait(false);
        return (new ManagementAnswer(response.StatusCode, ""), body);
    }

    public void Dispose() => _http.Dispose();

    private static string MemberPath(string node) => $"{ClusterRoutes.MembersPath}/{Uri.EscapeDataString(node.Trim())}";

    private async Task<ManagementAnswer> AskAsync(HttpMethod method, string path, Dictionary<string, string>? form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = form is null ? null : new FormUrlEncodedContent(form) };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await AnswerAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ManagementUnreachableException($"cannot reach the management endpoint at {_endpoint}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ManagementUnreachableException($"the management endpoint at {_endpoint} did not answer within {RequestLimit.TotalSeconds} s", e);
        }
    }

    private async Task<ManagementAnswer> AnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string message;
        string? code = null;
        try
        {
            // The /api/v5 routes answer {"code","message"} (EMQX's), the cluster routes {"message"}: both read here.
            var answer = JsonSerializer.Deserialize(text, SecurityApiJson.Written.ApiErrorJson);
            message = answer?.Message ?? text;
            code = answer?.Code;
        }
        catch (JsonException)
        {
            message = text;
        }

        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            message += $" ({CtlCredential.Hint(_credentialSource)})";
        return new ManagementAnswer(response.StatusCode, message, code);
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("empty answer");
        }
        catch (JsonException e)
        {
            throw new ManagementUnreachableException($"the endpoint at {_endpoint} is not a broker's management endpoint: {e.Message}", e);
        }
    }
}
