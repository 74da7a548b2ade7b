using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>MQTT over TLS.</summary>
public sealed class SslListenerOptions() : TlsListenerOptions(enabled: false, port: 8883)
{
    /// <summary>Whether to ask clients for a certificate and check it.</summary>
    [ConfigurationKeyName("verify")]
    public PeerVerification Verify { get; set; } = PeerVerification.VerifyNone;

    /// <summary>With <see cref="PeerVerification.VerifyPeer"/>, refuse clients that send no certificate.</summary>
    [ConfigurationKeyName("fail_if_no_peer_cert")]
    public bool FailIfNoPeerCert { get; set; }

    /// <summary>With <see cref="PeerVerification.VerifyPeer"/>: a CRL file (PEM or DER) of the CA; a revoked certificate is refused.</summary>
    [ConfigurationKeyName("crlfile")]
    public string CrlFile { get; set; } = "";
}
