namespace Broker.Host.Tests.Processes;

/// <summary>The broker killed with SIGKILL (kill -9) comes back on the same data directory and port.</summary>
public sealed class KillAndRestartTests
{
    [Fact]
    public async Task After_sigkill_a_restart_on_the_same_sqlite_data_dir_and_port_serves_again()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await broker.ConnectAsync("before");
        Assert.Contains("Persistence: sqlite", broker.Output, StringComparison.Ordinal);

        await broker.KillAsync();
        Assert.DoesNotContain("Broker stopping", broker.Output, StringComparison.Ordinal);
        await broker.RestartAsync();

        var client = await broker.ConnectAsync("after");
        await client.PublishAcknowledgedAsync("t", "still here");
        Assert.True(File.Exists(Path.Combine(broker.DataDirectory, "broker.db")), broker.Output);
    }

    [PostgresFact]
    public async Task After_sigkill_a_restart_on_the_same_postgresql_database_serves_again()
    {
        await using var broker = await BrokerProcess.StartPostgresAsync();
        await broker.ConnectAsync("before");
        Assert.Contains("Persistence: postgresql", broker.Output, StringComparison.Ordinal);
        Assert.Equal(0L, await broker.Database!.ScalarAsync("SELECT count(*) FROM journal"));

        await broker.KillAsync();
        await broker.RestartAsync();

        var client = await broker.ConnectAsync("after");
        await client.PublishAcknowledgedAsync("t", "still here");
    }
}
