namespace Broker.Host.Management;

/// <summary>Who made an API request, once its credentials are checked: a dashboard user (bearer token), an API key, or the node's own <c>broker ctl</c>.</summary>
internal sealed record ApiCaller(ApiCallerKind Kind, string Name, string Role);

internal enum ApiCallerKind
{
    User,
    ApiKey,

    /// <summary>The node-local credential (<see cref="NodeCredential"/>): the operator on the node's host, as Erlang's cookie.</summary>
    Node,
}
