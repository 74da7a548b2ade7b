using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Broker.Tests;

/// <summary>
/// A throw-away PKI in a temp directory: a CA, a server certificate for 127.0.0.1 signed by it
/// (PEM files, as a listener reads them), a client certificate signed by it and one signed by
/// nobody the broker trusts.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("broker-tls-").FullName;

    public TestCertificates()
    {
        Authority = CreateAuthority("CN=Broker Test CA");

        var (server, serverKey) = Issue("CN=127.0.0.1", Authority, "1.3.6.1.5.5.7.3.1", san: true);
        Server = server;
        Client = IssueClient("CN=client-1");

        using var strangerCa = CreateAuthority("CN=Stranger CA");
        Stranger = WithKey(Issue("CN=stranger", strangerCa, "1.3.6.1.5.5.7.3.2", san: false));

        CertFile = Write("server.pem", Server.ExportCertificatePem());
        KeyFile = Write("server.key", serverKey.ExportPkcs8PrivateKeyPem());
        CaCertFile = Write("ca.pem", Authority.ExportCertificatePem());
        serverKey.Dispose();
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    /// <summary>Signed by <see cref="Authority"/>, with its private key.</summary>
    public X509Certificate2 Client { get; }

    /// <summary>Signed by another CA, with its private key.</summary>
    public X509Certificate2 Stranger { get; }

    public string CertFile { get; }

    public string KeyFile { get; }

    public string CaCertFile { get; }

    private static X509Certificate2 CreateAuthority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static (X509Certificate2 Certificate, ECDsa Key) Issue(string subject, X509Certificate2 issuer, string usage, bool san, DateTimeOffset? notAfter = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (san)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(8);
        var until = notAfter ?? DateTimeOffset.UtcNow.AddDays(29);
        var certificate = request.Create(issuer, until.AddDays(-30), until, serial);
        return (certificate, key);
    }

    /// <summary>The certificate joined with its private key, as a client presents it.</summary>
    private static X509Certificate2 WithKey((X509Certificate2 Certificate, ECDsa Key) issued)
    {
        using var key = issued.Key;
        using var certificate = issued.Certificate;
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>A client certificate signed by <see cref="Authority"/>, with its private key; valid until <paramref name="notAfter"/> (29 days).</summary>
    public X509Certificate2 IssueClient(string subject, DateTimeOffset? notAfter = null) =>
        WithKey(Issue(subject, Authority, "1.3.6.1.5.5.7.3.2", san: false, notAfter));

    /// <summary>A CRL of <see cref="Authority"/> revoking <paramref name="revoked"/>, as a PEM file.</summary>
    public string WriteRevocationList(params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked)
            builder.AddEntry(certificate, DateTimeOffset.UtcNow.AddMinutes(-1), X509RevocationReason.KeyCompromise);
        var der = builder.Build(Authority, 1, DateTimeOffset.UtcNow.AddDays(7), HashAlgorithmName.SHA256);
        return Write("ca.crl", PemEncoding.WriteString("X509 CRL", der));
    }

    /// <summary>A certificate and its key as PEM files, as command-line clients (mosquitto_pub --cert/--key) take them.</summary>
    public (string CertFile, string KeyFile) WritePem(string name, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("the certificate has no ECDSA key", nameof(certificate));
        return (Write($"{name}.pem", certificate.ExportCertificatePem()), Write($"{name}.key", key.ExportPkcs8PrivateKeyPem()));
    }

    private string Write(string file, string pem)
    {
        var path = Path.Combine(directory, file);
        File.WriteAllText(path, pem);
        return path;
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
        Stranger.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
