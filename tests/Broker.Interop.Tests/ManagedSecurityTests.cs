using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// Users and bans changed while the broker runs, with <c>broker ctl</c> as its own process and Eclipse Mosquitto's
/// clients: they take effect at the next CONNECT and are still there after a restart on the same storage.
/// </summary>
public sealed class ManagedSecurityTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("broker-managed-security-");

    public void Dispose() => _dir.Delete(recursive: true);

    private Task<BrokerProcess> StartAsync() => BrokerProcess.StartOursAsync(
        "--authentication.0.mechanism=password_based", "--authentication.0.backend=built_in_database",
        $"--node.data_dir={Path.Combine(_dir.FullName, "data")}");

    private async Task<int> PublishAsync(BrokerProcess broker, params string[] identity)
    {
        using var clients = new Clients(output, broker.Endpoint);
        var pub = clients.MosquittoPub(["-V", "mqttv5", .. identity, "-q", "1", "-t", "plant/line1/state", "-m", "up"]);
        return await pub.WaitForExitAsync(Deadline);
    }

    private async Task CtlAsync(BrokerProcess broker, params string[] args)
    {
        var ctl = await broker.CtlAsync(output, args);
        Assert.True(ctl.ExitCode == 0, $"broker ctl {string.Join(' ', args)}\n{ctl.Describe()}");
    }

    [InteropFact(Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task Users_and_bans_made_with_broker_ctl_hold_at_once_and_after_a_restart()
    {
        await using (var broker = await StartAsync())
        {
            Assert.Equal(0x87, await PublishAsync(broker, "-i", "press-1", "-u", "line1-press", "-P", "pw-1"));
            await CtlAsync(broker, "users", "add", "line1-press", "pw-1");
            await CtlAsync(broker, "users", "add", "retired", "pw-r");
            await CtlAsync(broker, "banned", "add", "clientid", "press-9", "--reason", "stolen");

            Assert.Equal(0, await PublishAsync(broker, "-i", "press-1", "-u", "line1-press", "-P", "pw-1"));
            Assert.Equal(0x86, await PublishAsync(broker, "-i", "press-1", "-u", "line1-press", "-P", "wrong"));
            Assert.Equal(0x8A, await PublishAsync(broker, "-i", "press-9", "-u", "line1-press", "-P", "pw-1"));

            await CtlAsync(broker, "users", "del", "retired");
            await broker.StopAsync(Deadline);
        }

        await using (var broker = await StartAsync())
        {
            Assert.Equal(0, await PublishAsync(broker, "-i", "press-1", "-u", "line1-press", "-P", "pw-1"));
            Assert.Equal(0x8A, await PublishAsync(broker, "-i", "press-9", "-u", "line1-press", "-P", "pw-1"));
            Assert.Equal(0x87, await PublishAsync(broker, "-i", "press-2", "-u", "retired", "-P", "pw-r"));
        }
    }
}
