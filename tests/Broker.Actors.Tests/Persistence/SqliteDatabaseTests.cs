using Broker.Actors.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace Broker.Actors.Tests.Persistence;

public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "broker-sqlite-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Open_creates_the_missing_folders_and_the_file_in_WAL_mode()
    {
        var path = Path.Combine(_directory, "a", "b", "broker.db");

        await using var database = SqliteDatabase.Open(new SqliteStoreOptions(path));

        Assert.True(File.Exists(path));
        Assert.Equal(path, database.Path);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void Open_fails_when_the_path_is_a_folder()
    {
        Directory.CreateDirectory(_directory);

        Assert.ThrowsAny<Exception>(() => SqliteDatabase.Open(new SqliteStoreOptions(_directory)));
    }
}
