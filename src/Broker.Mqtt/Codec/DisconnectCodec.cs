using System.Buffers;
using Broker.Mqtt.Packets;

namespace Broker.Mqtt.Codec;

/// <summary>
/// DISCONNECT (3.14):
/// <code>
///   3.x   no variable header, remaining length 0
///   5.0   reason code (omitted when 0x00 and no properties), properties (omitted when none)
/// </code>
/// </summary>
internal static class DisconnectCodec
{
    public static DisconnectPacket Read(ref SequenceReader<byte> reader, MqttDecoder decoder)
    {
        if (!decoder.IsV5)
        {
            ReasonCodeTail.ExpectEnd(ref reader, PacketType.Disconnect);
            return DisconnectPacket.Normal;
        }

        var (reason, properties) = ReasonCodeTail.Read(ref reader, PacketType.Disconnect);
        if (decoder.Options.Peer == PeerRole.Server && properties.SessionExpiryInterval is not null)
        {
            Throw.ProtocolError("a server's DISCONNECT carries a Session Expiry Interval [MQTT-3.14.2-2]");
        }

        return reason == ReasonCode.NormalDisconnection && ReferenceEquals(properties, Properties.MqttProperties.Empty)
            ? DisconnectPacket.Normal
            : new DisconnectPacket { ReasonCode = reason, Properties = properties };
    }

    public static int GetRemainingLength(DisconnectPacket packet, MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V500 ? ReasonCodeTail.GetLength(packet.ReasonCode, packet.Properties) : 0;

    public static void Write(ref PacketWriter writer, DisconnectPacket packet, MqttProtocolVersion version)
    {
        if (version == MqttProtocolVersion.V500)
        {
            ReasonCodeTail.Write(ref writer, packet.ReasonCode, packet.Properties);
        }
    }
}
