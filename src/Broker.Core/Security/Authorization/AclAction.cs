namespace Broker.Core.Security.Authorization;

/// <summary>What a client asks to do with a topic.</summary>
public enum AclAction
{
    Publish,
    Subscribe,
}
