using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// A source that answers at once (an ACL file, the built-in database, ...). Called on the connection's path for every
/// PUBLISH and SUBSCRIBE not answered by the client's cache: it must not block.
/// </summary>
public interface IAuthorizationSource : IAsyncAuthorizationSource
{
    /// <param name="topic">A topic name for <see cref="AclAction.Publish"/>, a topic filter for <see cref="AclAction.Subscribe"/>.</param>
    AclDecision Check(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain);

    /// <summary>
    /// This source as <paramref name="client"/> sees it, for the life of its connection: what can never apply to it
    /// (rules for other usernames, client ids, addresses) may be left out. The client is fixed at CONNECT.
    /// </summary>
    IAuthorizationSource For(ClientInfo client) => this;

    ValueTask<AclDecision> IAsyncAuthorizationSource.CheckAsync(
        ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain, CancellationToken cancellationToken) =>
        new(Check(client, action, topic, qos, retain));
}
