namespace Broker.Host.Options;

/// <summary>EMQX 5's <c>type</c> of an authorization source.</summary>
public enum AuthorizationSourceType
{
    File,
    BuiltInDatabase,
    Postgresql,
    Http,
}
