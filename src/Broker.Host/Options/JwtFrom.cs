namespace Broker.Host.Options;

/// <summary>Which CONNECT field carries a JWT.</summary>
public enum JwtFrom
{
    Password,
    Username,
}
