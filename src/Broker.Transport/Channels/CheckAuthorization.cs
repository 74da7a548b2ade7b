using Broker.Core.Security.Authorization;
using Broker.Mqtt;

namespace Broker.Transport.Channels;

/// <summary>
/// A check that neither the client's cache nor the sources that answer at once could decide (an HTTP service is to be
/// asked): the connection awaits <see cref="AskAsync"/>, reading nothing meanwhile so that the client's next packet is
/// handled after this one, and hands the decision to <c>MqttChannel.Authorized</c>, which goes on with the packet.
/// </summary>
public sealed record CheckAuthorization(ClientAuthorization Authorization, AclAction Action, string Topic, QualityOfService QoS, bool Retain)
{
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the connection went away).</exception>
    public ValueTask<AuthorizationAnswer> AskAsync(CancellationToken cancellationToken) =>
        Authorization.AuthorizeAsync(Action, Topic, QoS, Retain, cancellationToken);
}
