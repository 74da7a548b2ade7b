using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authorization;
using Broker.Core.Security.Protection;

namespace Broker.Transport.Channels;

/// <summary>Who may connect and what they may do: the same for every connection of the broker.</summary>
public sealed record ChannelSecurity
{
    /// <summary>No authenticator and no authorization: every client in, everything allowed.</summary>
    public static readonly ChannelSecurity Open = new();

    public AuthenticationChain Authentication { get; init; } = AuthenticationChain.Empty;

    /// <summary>Null, or allowing everything with no source: only rules a client brings (a JWT's acl claim) are checked.</summary>
    public Authorizer? Authorizer { get; init; }

    /// <summary><c>deny_action = disconnect</c>: a denied PUBLISH or SUBSCRIBE closes the connection (5.0: DISCONNECT 0x87).</summary>
    public bool DisconnectOnDeny { get; init; }

    /// <summary>Checked at every CONNECT, before authentication; null when nothing is ever banned.</summary>
    public BanList? Bans { get; init; }

    /// <summary>Overload protection; null when off.</summary>
    public OverloadGuard? Overload { get; init; }

    /// <summary>Flapping detection; null when off.</summary>
    public FlappingDetector? Flapping { get; init; }

    public CertificateIdentity UsernameFromCertificate { get; init; }

    public CertificateIdentity ClientIdFromCertificate { get; init; }
}
