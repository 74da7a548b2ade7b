using Broker.Host.Commands;

namespace Broker.Host.Tests.Processes;

/// <summary>Storage that cannot be used at start: the broker says which setting, exits 5, and never listens.</summary>
public sealed class StorageAtStartTests
{
    [Fact]
    public async Task An_unreachable_postgresql_exits_5_naming_the_connection_string_setting_and_listens_on_nothing()
    {
        await using var broker = BrokerProcess.Launch(
            "--persistence.backend=postgresql",
            "--persistence.postgresql.connection_string=Host=127.0.0.1;Port=1;Username=broker;Password=secret");

        var exit = await broker.WaitForExitAsync();

        Assert.True(exit == ExitCodes.StorageUnavailable, $"exit {exit}:\n{broker.Output}");
        Assert.Contains("[stderr] broker: persistence.postgresql.connection_string: cannot connect to 127.0.0.1:1 (Connection refused)", broker.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("accepting connections", broker.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", broker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unwritable_sqlite_path_exits_5_naming_the_path_setting_and_listens_on_nothing()
    {
        // Root may write anywhere; nobody can create a folder where a file is.
        var blocker = Path.Combine(Path.GetTempPath(), "broker-not-a-folder-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(blocker, "");
        try
        {
            await using var broker = BrokerProcess.Launch($"--persistence.sqlite.path={blocker}/broker.db");

            var exit = await broker.WaitForExitAsync();

            Assert.True(exit == ExitCodes.StorageUnavailable, $"exit {exit}:\n{broker.Output}");
            Assert.Contains($"[stderr] broker: persistence.sqlite.path: {blocker}/broker.db is not writable (", broker.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("accepting connections", broker.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(blocker);
        }
    }
}
