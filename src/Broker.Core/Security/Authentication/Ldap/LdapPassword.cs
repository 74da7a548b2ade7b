using System.Security.Cryptography;
using System.Text;

namespace Broker.Core.Security.Authentication.Ldap;

/// <summary>
/// A directory's stored password compared with a given one (RFC 2307 schemes as OpenLDAP writes them): {SSHA} and
/// {SSHA256} (salted: the digest followed by the salt), {SHA} and {SHA256}, or plain text. An unknown scheme such as
/// {CRYPT} never matches: the bind method is for those.
/// </summary>
internal static class LdapPassword
{
    public static bool Matches(string stored, string password)
    {
        var given = Encoding.UTF8.GetBytes(password);
        if (!stored.StartsWith('{'))
        {
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored), given);
        }

        var end = stored.IndexOf('}', StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(stored[(end + 1)..]);
        }
        catch (FormatException)
        {
            return false;
        }

        return stored[1..end].ToUpperInvariant() switch
        {
            "SHA" => CryptographicOperations.FixedTimeEquals(SHA1.HashData(given), decoded),
            "SHA256" => CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), decoded),
            "SSHA" => Salted(decoded, 20, salt => SHA1.HashData([.. given, .. salt])),
            "SSHA256" => Salted(decoded, 32, salt => SHA256.HashData([.. given, .. salt])),
            _ => false,
        };
    }

    private static bool Salted(byte[] decoded, int digestLength, Func<byte[], byte[]> digest) =>
        decoded.Length > digestLength && CryptographicOperations.FixedTimeEquals(digest(decoded[digestLength..]), decoded.AsSpan(0, digestLength));
}
