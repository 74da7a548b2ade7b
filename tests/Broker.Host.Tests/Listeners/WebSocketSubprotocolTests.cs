using Broker.Host.Listeners;

namespace Broker.Host.Tests.Listeners;

public class WebSocketSubprotocolTests
{
    [Theory]
    [InlineData(new[] { "mqtt" }, "mqtt")]
    [InlineData(new[] { "MQTT" }, "mqtt")]
    [InlineData(new[] { "mqttv3.1", "mqtt" }, "mqtt")]
    [InlineData(new[] { "chat", "mqttv3.1" }, "mqttv3.1")]
    [InlineData(new[] { "chat" }, null)]
    [InlineData(new string[0], null)]
    public void MQTT_6_0_0_4_mqtt_is_chosen_before_the_3_1_name(string[] offered, string? chosen) =>
        Assert.Equal(chosen, WebSocketEndpoint.SelectSubprotocol(offered));
}
