using System.Text;
using Broker.Core.Security.Authentication;

namespace Broker.Core.Tests.Security.Authentication;

public sealed class PasswordHasherTests
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    // RFC 6070's PBKDF2-HMAC-SHA1 vector (c = 4096), and values computed with Python's hashlib.
    [InlineData("pbkdf2", "sha", 4096, 20, "suffix", "password", "salt", "4b007901b765489abead49d926f721d065a429c1")]
    [InlineData("pbkdf2", "sha256", 4096, 0, "suffix", "public", "0123456789abcdef", "d65086af5022d730d244e95592d0d1d751d0c744a4b078931a02ffced5d4c619")]
    [InlineData("sha256", "sha256", 1, 0, "suffix", "password", "salt", "7a37b85c8918eac19a9089c0fa5a2ab4dce3f90528dcdeec108b23ddf3607b99")]
    [InlineData("sha512", "sha256", 1, 0, "prefix", "password", "salt", "2908d2c28dfc047741fc590a026ffade237ab2ba7e1266f010fe49bde548b5987a534a86655a0d17f336588e540cd66f67234b152bbb645b4bb85758a1325d64")]
    [InlineData("plain", "sha256", 1, 0, "disable", "password", "ignored", "password")]
    public void Hashes_as_the_reference_implementations_do_and_checks_them(
        string name, string mac, int iterations, int length, string saltPosition, string password, string salt, string expected)
    {
        var algorithm = new PasswordHashAlgorithm { Name = name, MacFunction = mac, Iterations = iterations, DerivedKeyLength = length, SaltPosition = saltPosition };
        Assert.Null(algorithm.Problem());
        Assert.Equal(expected, PasswordHasher.Hash(algorithm, Utf8(password), salt));
        Assert.True(PasswordHasher.Verify(algorithm, Utf8(password), expected, salt));
        Assert.True(PasswordHasher.Verify(algorithm, Utf8(password), expected.ToUpperInvariant(), salt) || name == "plain");
        Assert.False(PasswordHasher.Verify(algorithm, Utf8(password + "x"), expected, salt));
    }

    [Fact]
    public void Bcrypt_hashes_carry_their_salt_and_a_malformed_one_never_matches()
    {
        var algorithm = new PasswordHashAlgorithm { Name = "bcrypt", SaltRounds = 4 };
        var hash = PasswordHasher.Hash(algorithm, Utf8("s3cret"), "");
        Assert.StartsWith("$2", hash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify(algorithm, Utf8("s3cret"), hash, ""));
        Assert.False(PasswordHasher.Verify(algorithm, Utf8("s3creT"), hash, ""));
        Assert.False(PasswordHasher.Verify(algorithm, Utf8("s3cret"), "not a bcrypt hash", ""));
    }

    [Theory]
    [InlineData("md4", "unknown password hash algorithm")]
    [InlineData("pbkdf2:md5", "unknown mac_fun")]
    [InlineData("sha256:middle", "unknown salt_position")]
    public void A_bad_algorithm_says_what_is_wrong(string spec, string problem)
    {
        var parts = spec.Split(':');
        var algorithm = parts[0] switch
        {
            "pbkdf2" => new PasswordHashAlgorithm { MacFunction = parts[1] },
            "sha256" => new PasswordHashAlgorithm { Name = "sha256", SaltPosition = parts[1] },
            _ => new PasswordHashAlgorithm { Name = parts[0] },
        };
        Assert.Contains(problem, algorithm.Problem(), StringComparison.Ordinal);
    }
}
