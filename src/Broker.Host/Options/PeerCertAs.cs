namespace Broker.Host.Options;

/// <summary>What of a verified client certificate stands in for the username or client id: nothing, its CN, or its whole DN.</summary>
public enum PeerCertAs
{
    Disabled,
    Cn,
    Dn,
}
