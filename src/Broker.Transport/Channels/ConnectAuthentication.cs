namespace Broker.Transport.Channels;

/// <summary>How authentication ended for a channel's CONNECT, as EMQX counts it (<c>authentication.*</c>).</summary>
public enum ConnectAuthentication : byte
{
    /// <summary>Not decided: no CONNECT yet, or refused before authentication (banned, overloaded, invalid).</summary>
    None,

    /// <summary>An authenticator allowed it (<c>authentication.success</c>).</summary>
    Succeeded,

    /// <summary>No authenticator is configured: let in as EMQX does (<c>authentication.success.anonymous</c>, a success too).</summary>
    Anonymous,

    /// <summary>Denied, or allowed by nobody (<c>authentication.failure</c>).</summary>
    Failed,
}
