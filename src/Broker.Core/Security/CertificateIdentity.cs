namespace Broker.Core.Security;

/// <summary>What of a verified client certificate stands in for the username or the client id (<c>peer_cert_as_*</c>).</summary>
public enum CertificateIdentity
{
    Disabled,
    CommonName,
    DistinguishedName,
}
