using System.Net;
using System.Security.Cryptography.X509Certificates;
using Broker.Transport.Channels;

namespace Broker.Transport.Connections;

/// <summary>Where a connection came from, as the listener saw it.</summary>
/// <param name="Listener">The listener's key in configuration: tcp, ssl, ws or wss.</param>
/// <param name="ClientCertificate">The certificate a TLS client presented, verified by the listener when it asks for one.</param>
public sealed record ConnectionMetadata(
    string Listener,
    EndPoint? RemoteEndPoint,
    EndPoint? LocalEndPoint,
    X509Certificate2? ClientCertificate = null)
{
    /// <summary>What authentication and authorization see of the transport: the address, the certificate's CN and DN.</summary>
    public ChannelPeer ToPeer() => new(
        (RemoteEndPoint as IPEndPoint)?.Address is { } address && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : (RemoteEndPoint as IPEndPoint)?.Address,
        CommonName(ClientCertificate),
        ClientCertificate?.SubjectName.Name is { Length: > 0 } dn ? dn : null);

    /// <summary>The subject's CN (2.5.4.3) itself: GetNameInfo would fall back to another attribute when there is none.</summary>
    private static string? CommonName(X509Certificate2? certificate) =>
        certificate?.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.3")
            .Select(rdn => rdn.GetSingleElementValue())
            .LastOrDefault(value => !string.IsNullOrEmpty(value));
}
