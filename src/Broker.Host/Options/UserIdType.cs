namespace Broker.Host.Options;

/// <summary>Whether the built-in database's users are looked up by the CONNECT's username or its client id.</summary>
public enum UserIdType
{
    Username,
    Clientid,
}
