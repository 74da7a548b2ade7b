using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Broker.Host.Options;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Broker.Host.Listeners;

/// <summary>
/// The TLS settings of an ssl or wss listener: the server certificate and key from PEM files,
/// TLS 1.2 and 1.3 only, and for ssl the client certificate policy (<c>verify</c>,
/// <c>fail_if_no_peer_cert</c>, checked against <c>cacertfile</c> when set, else the system store, and against
/// <c>crlfile</c> when set).
/// </summary>
internal static class ListenerTls
{
    public static HttpsConnectionAdapterOptions Options(string name, TlsListenerOptions tls)
    {
        var (certificate, chain) = LoadServerCertificate(name, tls);
        var options = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ServerCertificateChain = chain,
            // Older versions have known weaknesses; MQTT clients of the last decade all speak 1.2.
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            // No CRL or OCSP is configured, and fetching them from the network could stall every handshake.
            CheckCertificateRevocation = false,
            ClientCertificateMode = ClientCertificateMode.NoCertificate,
        };
        if (tls is SslListenerOptions { Verify: PeerVerification.VerifyPeer } ssl)
        {
            options.ClientCertificateMode = ssl.FailIfNoPeerCert ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate;
            var authorities = LoadAuthorities(name, ssl);
            var revocations = LoadRevocations(name, ssl);
            // A CRL of a CA the listener does not trust would silently revoke nothing.
            if (revocations is not null && authorities is not null && !authorities.Any(ca => revocations.IsIssuedBy(ca.SubjectName)))
                throw new ListenerStartException(name, $"crlfile {ssl.CrlFile} is issued by {revocations.Issuer.Name}, no CA of cacertfile {ssl.CaCertFile}");
            options.ClientCertificateValidation = (client, _, errors) => IsTrusted(client, errors, authorities) && revocations?.Revokes(client) != true;
        }
        return options;
    }

    /// <summary>
    /// With a <c>cacertfile</c>, a client certificate is trusted when it chains to one of its
    /// certificates, and to nothing else; without one, when the system's own validation passed.
    /// </summary>
    private static bool IsTrusted(X509Certificate2 client, SslPolicyErrors errors, X509Certificate2Collection? authorities)
    {
        if (authorities is null)
            return errors == SslPolicyErrors.None;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(client);
    }

    private static (X509Certificate2 Certificate, X509Certificate2Collection Chain) LoadServerCertificate(string name, TlsListenerOptions tls)
    {
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
            if (OperatingSystem.IsWindows())
            {
                // SChannel cannot use the ephemeral key a PEM import makes; a PKCS#12 round trip persists it.
                using var ephemeral = certificate;
                certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
            }
            // The certfile may hold the intermediates after the leaf: they are sent with it.
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(tls.CertFile);
            var chain = new X509Certificate2Collection();
            foreach (var extra in all.Skip(1))
                chain.Add(extra);
            if (all.Count > 0)
                all[0].Dispose();
            return (certificate, chain);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ListenerStartException(name, $"cannot load certfile {tls.CertFile} with keyfile {tls.KeyFile}: {e.Message}", e);
        }
    }

    private static RevocationList? LoadRevocations(string name, SslListenerOptions ssl)
    {
        if (ssl.CrlFile.Length == 0)
            return null;
        try
        {
            return RevocationList.Load(ssl.CrlFile);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new ListenerStartException(name, $"cannot load crlfile {ssl.CrlFile}: {e.Message}", e);
        }
    }

    private static X509Certificate2Collection? LoadAuthorities(string name, TlsListenerOptions tls)
    {
        if (tls.CaCertFile.Length == 0)
            return null;
        try
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(tls.CaCertFile);
            if (authorities.Count == 0)
                throw new ListenerStartException(name, $"cacertfile {tls.CaCertFile} holds no certificate");
            return authorities;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ListenerStartException(name, $"cannot load cacertfile {tls.CaCertFile}: {e.Message}", e);
        }
    }
}
