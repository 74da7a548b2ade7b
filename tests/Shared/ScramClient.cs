using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Tests;

/// <summary>
/// The client's side of SCRAM (RFC 5802 section 3), for tests: written from the RFC apart from the broker's server, so
/// that a bug the server has is not shared by the client that tests it. One exchange per instance:
/// <see cref="First"/>, then <see cref="Final"/> with the server-first-message, then <see cref="Verifies"/> with the
/// server-final-message.
/// </summary>
/// <param name="sha512">SCRAM-SHA-512 rather than SCRAM-SHA-256.</param>
/// <param name="nonce">The client nonce; a random one by default.</param>
/// <param name="gs2Header">"n,," (no channel binding), "y,,", or with an authorization identity "n,a=name,".</param>
public sealed class ScramClient(bool sha512, string username, string password, string? nonce = null, string gs2Header = "n,,")
{
    private readonly string _nonce = nonce ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    private byte[]? _serverSignature;

    public string Method => sha512 ? "SCRAM-SHA-512" : "SCRAM-SHA-256";

    /// <summary>"n,,n=user,r=nonce", with ',' and '=' in the name escaped as the RFC says.</summary>
    public byte[] First() => Encoding.UTF8.GetBytes(gs2Header + Bare);

    /// <summary>The client-final-message with the proof; throws when the server's nonce does not extend ours.</summary>
    public byte[] Final(byte[] serverFirst)
    {
        var text = Encoding.UTF8.GetString(serverFirst);
        var fields = text.Split(',').ToDictionary(f => f[..1], f => f[2..]);
        var combined = fields["r"];
        if (!combined.StartsWith(_nonce, StringComparison.Ordinal) || combined.Length == _nonce.Length)
        {
            throw new InvalidOperationException($"the server's nonce does not extend the client's: {text}");
        }

        var salt = Convert.FromBase64String(fields["s"]);
        var iterations = int.Parse(fields["i"], CultureInfo.InvariantCulture);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashName, KeyLength);
        var clientKey = Mac(salted, "Client Key");
        var storedKey = sha512 ? SHA512.HashData(clientKey) : SHA256.HashData(clientKey);
        var withoutProof = $"c={Convert.ToBase64String(Encoding.UTF8.GetBytes(gs2Header))},r={combined}";
        var authMessage = $"{Bare},{text},{withoutProof}";
        var signature = Mac(storedKey, authMessage);
        var proof = clientKey.Zip(signature, (k, s) => (byte)(k ^ s)).ToArray();
        _serverSignature = Mac(Mac(salted, "Server Key"), authMessage);
        return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}");
    }

    /// <summary>Whether the server-final-message is "v=" and the signature only a server holding ServerKey can make.</summary>
    public bool Verifies(byte[]? serverFinal) =>
        _serverSignature is not null && serverFinal is not null
        && Encoding.UTF8.GetString(serverFinal) == "v=" + Convert.ToBase64String(_serverSignature);

    private string Bare => $"n={username.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal)},r={_nonce}";

    private HashAlgorithmName HashName => sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;

    private int KeyLength => sha512 ? 64 : 32;

    private byte[] Mac(byte[] key, string data)
    {
        using HMAC mac = sha512 ? new HMACSHA512(key) : new HMACSHA256(key);
        return mac.ComputeHash(Encoding.UTF8.GetBytes(data));
    }
}
