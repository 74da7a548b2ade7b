namespace Broker.Core.Security.Authentication.Http;

/// <summary>How the HTTP authenticator asks its service: GET carries the body's fields in the query string.</summary>
public enum HttpAuthMethod
{
    Post,
    Get,
}
