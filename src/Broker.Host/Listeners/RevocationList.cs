using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Broker.Host.Listeners;

/// <summary>
/// The serial numbers a CRL file revokes, with its issuer (RFC 5280, 5.1). .NET checks revocation only through the
/// system's CRL cache, keyed by the distribution point's URL, so a plant's CRL file is read here; the file is the
/// operator's, like the CA file beside it, so its signature is not checked again.
/// </summary>
internal sealed class RevocationList
{
    private readonly HashSet<BigInteger> _revoked;

    private RevocationList(X500DistinguishedName issuer, HashSet<BigInteger> revoked)
    {
        Issuer = issuer;
        _revoked = revoked;
    }

    public X500DistinguishedName Issuer { get; }

    public int Count => _revoked.Count;

    public bool Revokes(X509Certificate2 certificate) =>
        IsIssuedBy(certificate.IssuerName)
        && _revoked.Contains(new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true));

    /// <summary>By the encoded name, or by its text: a CA tool may encode the same name with other string types in its CRL.</summary>
    public bool IsIssuedBy(X500DistinguishedName name) =>
        name.RawData.AsSpan().SequenceEqual(Issuer.RawData) || string.Equals(name.Name, Issuer.Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>A PEM ("X509 CRL") or DER file; a malformed one is a <see cref="CryptographicException"/>.</summary>
    public static RevocationList Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        if (PemEncoding.TryFind(text, out var pem) && text[pem.Label] == "X509 CRL")
        {
            bytes = Convert.FromBase64String(text[pem.Base64Data]);
        }

        return Parse(bytes);
    }

    private static RevocationList Parse(byte[] der)
    {
        try
        {
            var list = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbs = list.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbs.ReadInteger(); // version
            }

            tbs.ReadSequence(); // signature algorithm
            var issuer = new X500DistinguishedName(tbs.ReadEncodedValue().Span);
            SkipTime(tbs); // thisUpdate
            if (tbs.HasData && IsTime(tbs.PeekTag()))
            {
                SkipTime(tbs); // nextUpdate
            }

            var revoked = new HashSet<BigInteger>();
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = tbs.ReadSequence();
                while (entries.HasData)
                {
                    var entry = entries.ReadSequence();
                    revoked.Add(new BigInteger(entry.ReadIntegerBytes().Span, isUnsigned: true, isBigEndian: true));
                }
            }

            return new RevocationList(issuer, revoked);
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException($"not a certificate revocation list: {e.Message}", e);
        }
    }

    private static bool IsTime(Asn1Tag tag) => tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static void SkipTime(AsnReader reader) => reader.ReadEncodedValue();
}
