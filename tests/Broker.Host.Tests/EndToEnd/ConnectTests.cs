using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.EndToEnd;

public sealed class ConnectTests
{
    [Fact]
    public async Task MQTT_3_2_2_21_server_keep_alive_is_returned_in_CONNACK_and_enforced()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.ServerKeepalive = 1);
        var client = await broker.OpenAsync();

        var connAck = await client.ConnectAsync("client", c => c with { KeepAlive = 600 });

        Assert.Equal((ushort)1, connAck.Properties.ServerKeepAlive);
        // [MQTT-3.2.2-22]: the client must use the server's value; one that stays silent is dropped at 1.5 s.
        Assert.Equal(ReasonCode.KeepAliveTimeout, (await client.ReceiveAsync<DisconnectPacket>()).ReasonCode);
    }

    [Fact]
    public async Task MQTT_4_12_0_1_CONNECT_with_an_unsupported_Authentication_Method_gets_CONNACK_0x8C()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var client = await broker.OpenAsync();

        var connAck = await client.SendConnectAsync(new ConnectPacket
        {
            ClientId = "client",
            CleanStart = true,
            Properties = new MqttProperties { AuthenticationMethod = "SCRAM-SHA-1" },
        });

        Assert.Equal(ReasonCode.BadAuthenticationMethod, connAck.ReasonCode);
        Assert.False(connAck.SessionPresent);
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task MQTT_3_1_3_8_v311_empty_client_id_with_clean_session_0_gets_return_code_2()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var client = await broker.OpenAsync(MqttProtocolVersion.V311);

        var connAck = await client.SendConnectAsync(new ConnectPacket { ClientId = "", CleanStart = false });

        // The codec maps 3.1.1 return code 0x02 Identifier rejected to 0x85.
        Assert.Equal(ReasonCode.ClientIdentifierNotValid, connAck.ReasonCode);
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task MQTT_3_1_3_6_v311_empty_client_id_with_clean_session_1_is_accepted()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var client = await broker.OpenAsync(MqttProtocolVersion.V311);

        var connAck = await client.SendConnectAsync(new ConnectPacket { ClientId = "", CleanStart = true });

        Assert.Equal(ReasonCode.Success, connAck.ReasonCode);
        Assert.False(connAck.SessionPresent);
        await client.SubscribeAsync("t");
    }

    [Fact]
    public async Task MQTT_3_2_2_16_v5_empty_client_id_gets_an_Assigned_Client_Identifier()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var client = await broker.OpenAsync();

        var connAck = await client.ConnectAsync("");

        Assert.False(string.IsNullOrEmpty(connAck.Properties.AssignedClientIdentifier));
    }
}
