using Broker.Core.Security.Http;
using Broker.Mqtt;

namespace Broker.Core.Security.Authorization.Http;

/// <summary>
/// EMQX 5's <c>http</c> authorization source: each check the client's cache does not answer becomes a request to a
/// service (<see cref="HttpAuthorizationSettings"/>), whose answer allows, denies or ignores it
/// (<see cref="HttpAuthorizationResponse"/>). The connection waits for it, reading nothing meanwhile, as EMQX's channel
/// process waits for its call. A service that fails, answers something else or not within <c>request_timeout</c> is
/// passed over, as EMQX's <c>ignore</c>: the next source decides, or <c>no_match</c>.
/// </summary>
public sealed class HttpAuthorizationSource : IAsyncAuthorizationSource, IDisposable
{
    private readonly HttpService _service;

    /// <exception cref="ArgumentException">The settings describe no valid request.</exception>
    public HttpAuthorizationSource(HttpAuthorizationSettings settings) =>
        _service = new HttpService(settings, HttpAuthorizationSettings.DefaultBody, AccessTemplateValues.Placeholders);

    /// <exception cref="HttpServiceException">The service failed or said nothing; the message names it.</exception>
    public async ValueTask<AclDecision> CheckAsync(
        ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(topic);
        return await _service.AskAsync(
            new AccessTemplateValues(client, action, topic, qos, retain),
            static (status, mediaType, body) => HttpAuthorizationResponse.Interpret(status, mediaType, body),
            cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _service.Dispose();
}
