namespace Broker.Host.Options;

/// <summary>What a denied PUBLISH or SUBSCRIBE costs the client: the request only, or its connection.</summary>
public enum DenyAction
{
    Ignore,
    Disconnect,
}
