using System.Diagnostics;
using Broker.Actors.TestKit;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.EndToEnd;

public sealed class KeepAliveTests
{
    private static WillMessage Will(string topic) => new() { Topic = topic, Payload = "gone"u8.ToArray(), QoS = QualityOfService.AtLeastOnce };

    [Fact]
    public async Task MQTT_3_1_2_24_silent_client_is_disconnected_after_one_and_a_half_keep_alive_and_its_will_published()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var watcher = await broker.ConnectAsync("watcher");
        await watcher.SubscribeAsync("wills/#");
        var silent = await broker.OpenAsync();
        var clock = Stopwatch.StartNew();
        await silent.ConnectAsync("silent", c => c with { KeepAlive = 1, Will = Will("wills/silent") });

        var disconnect = await silent.ReceiveAsync<DisconnectPacket>();
        var elapsed = clock.Elapsed;

        Assert.Equal(ReasonCode.KeepAliveTimeout, disconnect.ReasonCode);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(3));
        await silent.ExpectClosedAsync();
        await watcher.ReceivePublishAsync("gone");
    }

    [Fact]
    public async Task A_client_sending_PINGREQ_within_its_keep_alive_stays_connected()
    {
        var clock = new ManualTimeProvider();
        await using var broker = await InProcessBroker.StartAsync(time: clock);
        var client = await broker.ConnectAsync("pinger", c => c with { KeepAlive = 1 });

        // Six PINGREQs 0.9 s apart on the broker's clock: 5.4 s, well past the 1.5 s a silent client gets.
        for (var i = 0; i < 6; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(900));
            await client.SendAsync(PingReqPacket.Instance);
            await client.ReceiveAsync<PingRespPacket>();
        }

        await client.SubscribeAsync("still/here");
    }
}
