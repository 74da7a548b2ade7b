using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.EndToEnd;

public sealed class ShutdownAndFaultTests
{
    // A PUBLISH whose remaining length (3) leaves its topic length (0x00 0x05) pointing past the end.
    private static readonly byte[] MalformedPublish = [0x30, 0x03, 0x00, 0x05, 0x61];

    [Fact]
    public async Task Everything_a_client_sent_before_closing_its_socket_is_processed_DISCONNECT_included()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var subscriber = await broker.ConnectAsync("reader");
        await subscriber.SubscribeAsync("burst/#");
        var publisher = await broker.OpenAsync();

        // CONNECT alone, then without waiting for CONNACK 50 PUBLISHes and DISCONNECT, then FIN: the broker
        // reads the CONNECT and waits for its session while the rest and the FIN arrive, so it learns the
        // connection is closed while most of what the client sent is still unread.
        var connect = new ArrayBufferWriter<byte>();
        MqttEncoder.Write(connect, new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            ClientId = "burster",
            CleanStart = true,
            Will = new WillMessage { Topic = "burst/will", Payload = "must not be sent"u8.ToArray() },
        }, MqttProtocolVersion.V500);
        await publisher.SendRawAsync(connect.WrittenMemory);
        var bytes = new ArrayBufferWriter<byte>();
        for (var i = 0; i < 50; i++)
        {
            MqttEncoder.Write(bytes, new PublishPacket { Topic = "burst/t", Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($"m{i}")) }, MqttProtocolVersion.V500);
        }

        MqttEncoder.Write(bytes, DisconnectPacket.Normal, MqttProtocolVersion.V500);
        await publisher.SendRawAsync(bytes.WrittenMemory);

        // FIN, not Close: closing a socket with unread input (the CONNACK may already be there on a loaded machine)
        // sends RST instead, and a reset lets the kernel discard what the broker had not read yet.
        publisher.Socket.Shutdown(SocketShutdown.Send);

        for (var i = 0; i < 50; i++)
        {
            await subscriber.ReceivePublishAsync($"m{i}");
        }

        // DISCONNECT 0x00 was read too, so the will is discarded [MQTT-3.14.4-3].
        await subscriber.ExpectNothingAsync();
    }

    [Fact]
    public async Task MQTT_4_13_1_1_a_malformed_packet_gets_DISCONNECT_0x81_and_other_clients_keep_receiving()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var bystander = await broker.ConnectAsync("bystander");
        await bystander.SubscribeAsync("t");
        var broken = await broker.ConnectAsync("broken");

        await broken.SendRawAsync(MalformedPublish);

        Assert.Equal(ReasonCode.MalformedPacket, (await broken.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        await broken.ExpectClosedAsync();
        var publisher = await broker.ConnectAsync("publisher");
        await publisher.PublishAcknowledgedAsync("t", "still served");
        await bystander.ReceivePublishAsync("still served");
        Assert.Equal(1, broker.Metrics.MalformedPackets);
    }

    [Fact]
    public async Task A_malformed_packet_from_a_v311_client_closes_it_without_a_packet()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var bystander = await broker.ConnectAsync("bystander", version: MqttProtocolVersion.V311);
        await bystander.SubscribeAsync("t");
        var broken = await broker.ConnectAsync("broken", version: MqttProtocolVersion.V311);

        await broken.SendRawAsync(MalformedPublish);

        await broken.ExpectClosedAsync();
        var publisher = await broker.ConnectAsync("publisher");
        await publisher.PublishAcknowledgedAsync("t", "still served");
        await bystander.ReceivePublishAsync("still served");
    }

    [Fact]
    public async Task Graceful_shutdown_sends_DISCONNECT_0x8B_to_v5_clients_and_closes_v311_ones()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var v5 = await broker.ConnectAsync("v5");
        var v311 = await broker.ConnectAsync("v311", version: MqttProtocolVersion.V311);

        await broker.StopAsync();

        Assert.Equal(ReasonCode.ServerShuttingDown, (await v5.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        await v5.ExpectClosedAsync();
        await v311.ExpectClosedAsync();
    }
}
