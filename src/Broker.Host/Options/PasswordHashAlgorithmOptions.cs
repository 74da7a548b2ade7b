using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>An authenticator's <c>password_hash_algorithm</c>, with EMQX 5's keys; which apply depends on <see cref="Name"/>.</summary>
public sealed class PasswordHashAlgorithmOptions
{
    /// <summary>pbkdf2, bcrypt, sha256, sha512 or plain.</summary>
    [ConfigurationKeyName("name")]
    public string Name { get; set; } = "pbkdf2";

    [ConfigurationKeyName("mac_fun")]
    public string MacFun { get; set; } = "sha256";

    [ConfigurationKeyName("iterations")]
    public int Iterations { get; set; } = 4096;

    /// <summary>0: the MAC's output size.</summary>
    [ConfigurationKeyName("dk_length")]
    public int DkLength { get; set; }

    [ConfigurationKeyName("salt_position")]
    public string SaltPosition { get; set; } = "suffix";

    [ConfigurationKeyName("salt_rounds")]
    public int SaltRounds { get; set; } = 10;
}
