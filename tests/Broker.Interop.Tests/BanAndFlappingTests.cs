using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>The banned list from its bootstrap file and flapping detection, seen by mosquitto_pub's exit codes (the CONNACK's).</summary>
public sealed class BanAndFlappingTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const int Banned = 0x8A;
    private const int NotAuthorized311 = 5;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("broker-banned-");

    public void Dispose() => _dir.Delete(recursive: true);

    [InteropFact(Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task Banned_clients_and_a_client_id_in_a_connect_loop_are_refused_and_the_others_are_not()
    {
        var banned = Path.Combine(_dir.FullName, "banned.csv");
        await File.WriteAllTextAsync(banned, """
            as,who,by,reason,at,until
            clientid,stolen-press,security,reported stolen,,
            username_re,^intruder,security,,,2099-01-01T00:00:00Z
            """);
        var conf = Path.Combine(_dir.FullName, "broker.conf");
        await File.WriteAllTextAsync(conf, $$"""
            banned.bootstrap_file = "{{banned}}"
            flapping_detect { enable = true, max_count = 3, window_time = 1m, ban_time = 5m }
            """);
        await using var broker = await BrokerProcess.StartOursAsync("-c", conf);
        using var clients = new Clients(output, broker.Endpoint);

        async Task<int> Publish(params string[] args)
        {
            var pub = clients.MosquittoPub([.. args, "-t", "plant/line1/state", "-m", "up"]);
            return await pub.WaitForExitAsync(Deadline);
        }

        Assert.Equal(Banned, await Publish("-V", "mqttv5", "-i", "stolen-press"));
        Assert.Equal(NotAuthorized311, await Publish("-V", "mqttv311", "-i", "stolen-press"));
        Assert.Equal(Banned, await Publish("-V", "mqttv5", "-u", "intruder-7"));
        Assert.Equal(0, await Publish("-V", "mqttv5", "-u", "line1-press"));

        for (var i = 0; i < 3; i++)
            Assert.Equal(0, await Publish("-V", "mqttv5", "-i", "flapping-press"));
        Assert.Equal(Banned, await Publish("-V", "mqttv5", "-i", "flapping-press"));
        Assert.Equal(Banned, await Publish("-V", "mqttv5", "-i", "flapping-press"));
        Assert.Equal(0, await Publish("-V", "mqttv5", "-i", "steady-press"));
    }
}
