using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Broker.Transport.Connections;

/// <summary>Where a connection came from, as the listener saw it.</summary>
/// <param name="Listener">The listener's key in configuration: tcp, ssl, ws or wss.</param>
/// <param name="ClientCertificate">The certificate a TLS client presented, for authentication and ACLs later.</param>
public sealed record ConnectionMetadata(
    string Listener,
    EndPoint? RemoteEndPoint,
    EndPoint? LocalEndPoint,
    X509Certificate2? ClientCertificate = null);
