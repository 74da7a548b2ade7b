using System.Text;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Scram;
using Broker.Tests;

namespace Broker.Core.Tests.Security.Authentication.Scram;

public sealed class ScramDatabaseTests
{
    private static async Task<AuthExchangeStatus> LogInAsync(ScramDatabase database, bool sha512, string user, string password)
    {
        var client = new ScramClient(sha512, user, password);
        var first = await database.StartAsync(client.First(), CancellationToken.None);
        return first.Next!.Continue(client.Final(first.Data.ToArray())).Status;
    }

    private static ScramDatabase With(ScramDatabase database, IEnumerable<ScramUser> users)
    {
        foreach (var user in users)
        {
            database.Apply(user.UserId, ScramUserFormat.Serialize(user));
        }

        return database;
    }

    [Fact]
    public async Task Users_are_put_replaced_and_removed()
    {
        var database = new ScramDatabase(ScramAlgorithm.Sha256, 32);
        database.Apply("mes", database.Encode("mes", "pw-1"u8, superuser: false));
        database.Apply("mes", database.Encode("mes", "pw-2"u8, superuser: true));

        Assert.Equal(1, database.Count);
        Assert.Equal(AuthExchangeStatus.Failure, await LogInAsync(database, false, "mes", "pw-1"));
        Assert.Equal(AuthExchangeStatus.Success, await LogInAsync(database, false, "mes", "pw-2"));
        database.Apply("mes", null);
        Assert.Equal(0, database.Count);
        Assert.Equal(AuthExchangeStatus.Failure, await LogInAsync(database, false, "mes", "pw-2"));
    }

    [Fact]
    public async Task A_user_derived_elsewhere_is_taken_as_it_is()
    {
        var user = ScramUser.FromPassword(ScramAlgorithm.Sha512, 32, "mes", "pw"u8, ScramUser.NewSalt(), superuser: true);
        var database = With(new ScramDatabase(ScramAlgorithm.Sha512, 32), [user]);

        Assert.Equal(AuthExchangeStatus.Success, await LogInAsync(database, true, "mes", "pw"));
        Assert.True(database.IsSuperuser(ScramUserFormat.Serialize(user)));
        Assert.Throws<FormatException>(() => With(new ScramDatabase(ScramAlgorithm.Sha256, 32), [user]));
        Assert.Throws<FormatException>(() => database.Apply("other", ScramUserFormat.Serialize(user)));
    }

    [Fact]
    public async Task Bootstrap_users_get_keys_from_their_clear_passwords()
    {
        var users = ScramBootstrapFile.Parse("user_id,password,is_superuser\nmes,pw-mes,true\nline1-press,pw-press,false\n", ScramAlgorithm.Sha512, 32, "users.csv");
        var database = With(new ScramDatabase(ScramAlgorithm.Sha512, 32), users);

        Assert.Equal(["mes", "line1-press"], users.Select(u => u.UserId));
        Assert.True(users[0].IsSuperuser);
        Assert.NotEqual(users[0].Salt, users[1].Salt);
        Assert.Equal(AuthExchangeStatus.Success, await LogInAsync(database, true, "line1-press", "pw-press"));
        Assert.StartsWith("users.csv, line 1:", Assert.Throws<FormatException>(() =>
            ScramBootstrapFile.Parse("user_id,password_hash,salt,is_superuser\n", ScramAlgorithm.Sha256, 32, "users.csv")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_are_stored_not_the_password()
    {
        var user = ScramUser.FromPassword(ScramAlgorithm.Sha256, 32, "mes", Encoding.UTF8.GetBytes("pw-mes"), ScramUser.NewSalt(), superuser: false);

        Assert.Equal((32, 32, ScramUser.SaltLength), (user.StoredKey.Length, user.ServerKey.Length, user.Salt.Length));
        Assert.NotEqual(user.StoredKey, user.ServerKey);
    }
}
