using Broker.Mqtt.Packets;

namespace Broker.Mqtt.Tests.Codec.Support;

internal static class PacketAssert
{
    /// <summary>Every field equal, lists item by item and binary data byte by byte (see <see cref="PacketDump"/>).</summary>
    public static void Equal(MqttPacket expected, MqttPacket actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(PacketDump.Describe(expected), PacketDump.Describe(actual));
    }
}
