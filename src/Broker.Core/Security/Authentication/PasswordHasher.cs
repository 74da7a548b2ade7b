using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Core.Security.Authentication;

/// <summary>Hashes and checks passwords by a <see cref="PasswordHashAlgorithm"/>; comparisons take the same time whatever matches.</summary>
public static class PasswordHasher
{
    /// <summary>A new random salt: 16 bytes as hex (bcrypt makes its own and ignores it).</summary>
    public static string NewSalt() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The stored form of <paramref name="password"/>.</summary>
    public static string Hash(PasswordHashAlgorithm algorithm, ReadOnlySpan<byte> password, string salt)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(salt);
        return algorithm.Name switch
        {
            "bcrypt" => BCrypt.Net.BCrypt.HashPassword(Encoding.UTF8.GetString(password), algorithm.SaltRounds),
            "pbkdf2" => Convert.ToHexStringLower(Pbkdf2(algorithm, password, salt)),
            "plain" => Encoding.UTF8.GetString(Salted(algorithm, password, salt)),
            "sha256" => Convert.ToHexStringLower(SHA256.HashData(Salted(algorithm, password, salt))),
            "sha512" => Convert.ToHexStringLower(SHA512.HashData(Salted(algorithm, password, salt))),
            _ => throw new ArgumentException(algorithm.Problem(), nameof(algorithm)),
        };
    }

    public static bool Verify(PasswordHashAlgorithm algorithm, ReadOnlySpan<byte> password, string storedHash, string salt)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(storedHash);
        if (algorithm.Name == "bcrypt")
        {
            try
            {
                return BCrypt.Net.BCrypt.Verify(Encoding.UTF8.GetString(password), storedHash);
            }
            catch (BCrypt.Net.SaltParseException)
            {
                return false;
            }
        }

        var computed = Encoding.UTF8.GetBytes(Hash(algorithm, password, salt));
        var stored = Encoding.UTF8.GetBytes(algorithm.Name == "plain" ? storedHash : storedHash.ToLower(CultureInfo.InvariantCulture));
        return CryptographicOperations.FixedTimeEquals(computed, stored);
    }

    private static byte[] Pbkdf2(PasswordHashAlgorithm algorithm, ReadOnlySpan<byte> password, string salt)
    {
        var hash = algorithm.MacFunction switch
        {
            "sha512" => HashAlgorithmName.SHA512,
            "sha" => HashAlgorithmName.SHA1,
            _ => HashAlgorithmName.SHA256,
        };
        var length = algorithm.DerivedKeyLength > 0 ? algorithm.DerivedKeyLength : hash == HashAlgorithmName.SHA512 ? 64 : hash == HashAlgorithmName.SHA1 ? 20 : 32;
        return Rfc2898DeriveBytes.Pbkdf2(password, Encoding.UTF8.GetBytes(salt), algorithm.Iterations, hash, length);
    }

    private static byte[] Salted(PasswordHashAlgorithm algorithm, ReadOnlySpan<byte> password, string salt)
    {
        var saltBytes = Encoding.UTF8.GetBytes(salt);
        return algorithm.SaltPosition switch
        {
            "prefix" => [.. saltBytes, .. password],
            "suffix" => [.. password, .. saltBytes],
            _ => password.ToArray(),
        };
    }
}
