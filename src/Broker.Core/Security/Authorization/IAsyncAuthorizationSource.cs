using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// A source of authorization decisions, asked in configured order. Every source can be asked this way; one that answers
/// without I/O is an <see cref="IAuthorizationSource"/>, which the read path asks synchronously. One that is not (an
/// HTTP service) makes the connection wait for it, reading nothing meanwhile, for each check its client's cache does
/// not answer (<see cref="ClientAuthorization.AuthorizeAsync"/>).
/// </summary>
public interface IAsyncAuthorizationSource
{
    /// <param name="topic">A topic name for <see cref="AclAction.Publish"/>, a topic filter for <see cref="AclAction.Subscribe"/>.</param>
    /// <exception cref="Exception">The source could not decide (its service failed or was too slow): EMQX's
    /// <c>ignore</c>, the next source is asked. The message names the source, never a value of the client.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the connection went away).</exception>
    ValueTask<AclDecision> CheckAsync(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain, CancellationToken cancellationToken);
}
