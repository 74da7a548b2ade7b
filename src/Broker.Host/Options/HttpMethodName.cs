namespace Broker.Host.Options;

/// <summary>How an HTTP authenticator asks its service.</summary>
public enum HttpMethodName
{
    Post,
    Get,
}
