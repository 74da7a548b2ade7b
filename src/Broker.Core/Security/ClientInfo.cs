using System.Net;

namespace Broker.Core.Security;

/// <summary>
/// Who a connection says it is and what the transport knows of it: what authentication checks, and what authorization
/// rules and their <c>${...}</c> placeholders are matched against. The username may be the certificate's CN or DN when
/// the listener says so (<c>mqtt.peer_cert_as_username</c>).
/// </summary>
public sealed record ClientInfo
{
    public required string ClientId { get; init; }

    public string? Username { get; init; }

    /// <summary>The client's address; null for a connection without one (in tests, or a Unix socket).</summary>
    public IPAddress? PeerHost { get; init; }

    /// <summary>The CN of the client certificate the TLS handshake verified; null without one.</summary>
    public string? CertCommonName { get; init; }

    /// <summary>The full subject DN of that certificate, RFC 4514 order; null without one.</summary>
    public string? CertSubject { get; init; }

    /// <summary>Set by the authenticator that allowed the client: it skips every authorization check.</summary>
    public bool IsSuperuser { get; init; }

    /// <summary>
    /// Rules the authenticator that allowed the client brought with it (a JWT's <c>acl</c> claim, an HTTP service's
    /// answer): asked before the configured sources, as EMQX does.
    /// </summary>
    public Authorization.IAuthorizationSource? Acl { get; init; }
}
