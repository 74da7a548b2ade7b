using System.Text;
using Broker.Core.Security.Authentication;

namespace Broker.Core.Tests.Security.Authentication;

public sealed class BootstrapFileTests
{
    private static readonly PasswordHashAlgorithm Fast = new() { Iterations = 8 };

    [Fact]
    public void Plain_passwords_are_hashed_on_load_and_check()
    {
        var users = BootstrapFile.Parse("user_id,password,is_superuser\nline1-press,pw-1,false\n\nmes,pw-mes,true\n", plain: true, Fast, "users.csv");

        Assert.Equal(["line1-press", "mes"], users.Select(u => u.UserId));
        Assert.True(users[1].IsSuperuser);
        Assert.NotEqual("pw-1", users[0].PasswordHash);
        Assert.True(PasswordHasher.Verify(Fast, Encoding.UTF8.GetBytes("pw-1"), users[0].PasswordHash, users[0].Salt));
    }

    [Fact]
    public void Hashed_rows_are_taken_as_they_are()
    {
        var sha = new PasswordHashAlgorithm { Name = "sha256", SaltPosition = "suffix" };
        var users = BootstrapFile.Parse(
            "user_id,password_hash,salt,is_superuser\r\nqa-dashboard,7a37b85c8918eac19a9089c0fa5a2ab4dce3f90528dcdeec108b23ddf3607b99,salt,false\r\n",
            plain: false, sha, "users.csv");

        Assert.True(PasswordHasher.Verify(sha, Encoding.UTF8.GetBytes("password"), users.Single().PasswordHash, users.Single().Salt));
    }

    [Theory]
    [InlineData("user,password,is_superuser\n", "users.csv, line 1: expected the header \"user_id,password,is_superuser\"")]
    [InlineData("user_id,password,is_superuser\na,b,true\nc,d\n", "users.csv, line 3: expected 3 fields")]
    [InlineData("user_id,password,is_superuser\na,b,yes\n", "users.csv, line 2:")]
    [InlineData("user_id,password,is_superuser\n,b,false\n", "users.csv, line 2:")]
    public void A_bad_file_names_the_line(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => BootstrapFile.Parse(text, plain: true, Fast, "users.csv"));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
