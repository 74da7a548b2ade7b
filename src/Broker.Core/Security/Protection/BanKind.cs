namespace Broker.Core.Security.Protection;

/// <summary>What a ban matches (EMQX's <c>as</c>): a client id, a username or a peer address, exactly or by pattern or network.</summary>
public enum BanKind
{
    ClientId,
    Username,
    PeerHost,
    ClientIdPattern,
    UsernamePattern,
    PeerNetwork,
}
