using System.Security.Cryptography;

namespace Broker.Core.Security.Authentication.Scram;

/// <summary>
/// The hash a SCRAM mechanism is built on (RFC 5802 section 2.2; RFC 7677 for SHA-256), with its HMAC and Hi(), which
/// is PBKDF2 with that HMAC and one block of output.
/// </summary>
public sealed class ScramAlgorithm
{
    public static readonly ScramAlgorithm Sha256 = new("SCRAM-SHA-256", "sha256", HashAlgorithmName.SHA256, 32);

    public static readonly ScramAlgorithm Sha512 = new("SCRAM-SHA-512", "sha512", HashAlgorithmName.SHA512, 64);

    private readonly HashAlgorithmName _hash;

    private ScramAlgorithm(string mechanism, string name, HashAlgorithmName hash, int keyLength)
    {
        Mechanism = mechanism;
        Name = name;
        _hash = hash;
        KeyLength = keyLength;
    }

    /// <summary>The SASL mechanism's name, which MQTT clients give as the Authentication Method.</summary>
    public string Mechanism { get; }

    /// <summary>The configuration's name (EMQX's <c>algorithm</c>): sha256 or sha512.</summary>
    public string Name { get; }

    /// <summary>Bytes of the hash's output: the length of every key and proof.</summary>
    public int KeyLength { get; }

    /// <summary>sha256 or sha512; null for any other name.</summary>
    public static ScramAlgorithm? Named(string name) => name switch
    {
        "sha256" => Sha256,
        "sha512" => Sha512,
        _ => null,
    };

    public byte[] Hash(ReadOnlySpan<byte> data) => CryptographicOperations.HashData(_hash, data);

    public byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => CryptographicOperations.HmacData(_hash, key, data);

    /// <summary>Hi(password, salt, i): costly on purpose, paid when a user is stored, never during an exchange.</summary>
    public byte[] SaltedPassword(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, _hash, KeyLength);

    public override string ToString() => Mechanism;
}
