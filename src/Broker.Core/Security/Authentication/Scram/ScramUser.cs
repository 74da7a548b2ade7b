using System.Security.Cryptography;

namespace Broker.Core.Security.Authentication.Scram;

/// <summary>
/// A SCRAM user as the server stores it (RFC 5802 section 3; EMQX's <c>emqx_authn_scram_mnesia</c> record): the keys
/// derived from the password, never the password. StoredKey checks the client's proof, ServerKey signs the server's
/// answer; neither lets anybody log in as the user. The arrays are not to be changed once made.
/// </summary>
public sealed record ScramUser(string UserId, byte[] StoredKey, byte[] ServerKey, byte[] Salt, bool IsSuperuser)
{
    /// <summary>Bytes of the salts made here, as EMQX's.</summary>
    public const int SaltLength = 16;

    /// <summary>A salt from a CSPRNG.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltLength);

    /// <summary>The keys of <paramref name="password"/> (UTF-8, used as given: no SASLprep) with this salt and iteration count.</summary>
    public static ScramUser FromPassword(
        ScramAlgorithm algorithm, int iterations, string userId, ReadOnlySpan<byte> password, byte[] salt, bool superuser)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(salt);
        var salted = algorithm.SaltedPassword(password, salt, iterations);
        var clientKey = algorithm.Hmac(salted, "Client Key"u8);
        var user = new ScramUser(userId, algorithm.Hash(clientKey), algorithm.Hmac(salted, "Server Key"u8), salt, superuser);
        CryptographicOperations.ZeroMemory(salted);
        CryptographicOperations.ZeroMemory(clientKey);
        return user;
    }
}
