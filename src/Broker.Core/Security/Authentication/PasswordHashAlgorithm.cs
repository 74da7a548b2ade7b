namespace Broker.Core.Security.Authentication;

/// <summary>
/// How stored passwords are hashed, in EMQX 5's terms (<c>password_hash_algorithm</c>): <c>pbkdf2</c> (with
/// <see cref="MacFunction"/>, <see cref="Iterations"/>, <see cref="DerivedKeyLength"/>), <c>bcrypt</c> (the salt is in
/// the hash), or a salted digest <c>sha256</c> / <c>sha512</c> (<see cref="SaltPosition"/>), or <c>plain</c>. Digests
/// are stored as lowercase hex, as EMQX stores them, so its exported users load here.
/// </summary>
public sealed record PasswordHashAlgorithm
{
    /// <summary>PBKDF2-HMAC-SHA256 with 4,096 iterations: EMQX's count. More would cost every CONNECT of a fleet that reconnects at once.</summary>
    public static readonly PasswordHashAlgorithm Default = new();

    public string Name { get; init; } = "pbkdf2";

    /// <summary>pbkdf2: sha256, sha512 or sha (SHA-1).</summary>
    public string MacFunction { get; init; } = "sha256";

    public int Iterations { get; init; } = 4096;

    /// <summary>pbkdf2: bytes of derived key; 0 takes the MAC's output size.</summary>
    public int DerivedKeyLength { get; init; }

    /// <summary>sha256, sha512, plain: prefix, suffix or disable.</summary>
    public string SaltPosition { get; init; } = "suffix";

    /// <summary>bcrypt: the cost of new hashes.</summary>
    public int SaltRounds { get; init; } = 10;

    public static IReadOnlyList<string> Names { get; } = ["pbkdf2", "bcrypt", "sha256", "sha512", "plain"];

    /// <summary>Null when valid; otherwise what is wrong, in the configuration's terms.</summary>
    public string? Problem()
    {
        if (!Names.Contains(Name))
        {
            return $"unknown password hash algorithm \"{Name}\" (known: {string.Join(", ", Names)})";
        }

        if (Name == "pbkdf2" && MacFunction is not ("sha256" or "sha512" or "sha"))
        {
            return $"unknown mac_fun \"{MacFunction}\" (known: sha256, sha512, sha)";
        }

        if (Name == "pbkdf2" && (Iterations < 1 || DerivedKeyLength < 0))
        {
            return "iterations must be at least 1 and dk_length at least 0";
        }

        if (Name is "sha256" or "sha512" or "plain" && SaltPosition is not ("prefix" or "suffix" or "disable"))
        {
            return $"unknown salt_position \"{SaltPosition}\" (known: prefix, suffix, disable)";
        }

        return Name == "bcrypt" && SaltRounds is < 4 or > 31 ? "salt_rounds must be from 4 to 31" : null;
    }
}
