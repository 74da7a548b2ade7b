using System.Security.Cryptography;
using Broker.Host.Listeners;
using Broker.Tests;

namespace Broker.Host.Tests.Listeners;

public sealed class RevocationListTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public void A_crl_revokes_its_certificates_and_no_others_in_pem_and_in_der()
    {
        using var revoked = _certificates.IssueClient("CN=revoked");
        using var other = _certificates.IssueClient("CN=other");
        var pem = _certificates.WriteRevocationList(revoked);
        var der = Path.ChangeExtension(pem, ".der");
        var text = File.ReadAllText(pem);
        File.WriteAllBytes(der, Convert.FromBase64String(string.Concat(text.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))));

        foreach (var file in new[] { pem, der })
        {
            var list = RevocationList.Load(file);
            Assert.Equal(1, list.Count);
            Assert.True(list.Revokes(revoked));
            Assert.False(list.Revokes(other));
            // Another CA's certificate with the same serial is not this CRL's to revoke.
            Assert.False(list.Revokes(_certificates.Stranger));
        }
    }

    [Fact]
    public void A_file_that_is_no_crl_is_refused()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
            Assert.Throws<CryptographicException>(() => RevocationList.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
