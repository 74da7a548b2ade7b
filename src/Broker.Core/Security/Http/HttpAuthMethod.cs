namespace Broker.Core.Security.Http;

/// <summary>How an HTTP authenticator or authorization source asks its service: GET carries the body's fields in the query string.</summary>
public enum HttpAuthMethod
{
    Post,
    Get,
}
