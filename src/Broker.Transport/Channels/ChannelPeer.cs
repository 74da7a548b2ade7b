using System.Net;

namespace Broker.Transport.Channels;

/// <summary>What the transport knows of the client before CONNECT: its address and the certificate TLS verified.</summary>
/// <param name="CertSubject">The certificate's subject DN, RFC 4514 order; null without a certificate.</param>
public sealed record ChannelPeer(IPAddress? Address, string? CertCommonName, string? CertSubject)
{
    public static readonly ChannelPeer Unknown = new(null, null, null);
}
