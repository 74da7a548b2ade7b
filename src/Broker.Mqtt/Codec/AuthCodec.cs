using System.Buffers;
using Broker.Mqtt.Packets;

namespace Broker.Mqtt.Codec;

/// <summary>
/// AUTH (3.15, 5.0 only; the decoder has already refused packet type 15 on 3.x):
/// <code>
///   variable header  reason code (omitted when 0x00 and no properties), properties
/// </code>
/// </summary>
internal static class AuthCodec
{
    public static AuthPacket Read(ref SequenceReader<byte> reader)
    {
        if (reader.End)
        {
            // 3.15.2.1: remaining length 0 means Success with no properties.
            return new AuthPacket();
        }

        var (reason, properties) = ReasonCodeTail.Read(ref reader, PacketType.Auth);
        if (properties.AuthenticationMethod is null)
        {
            Throw.ProtocolError("AUTH without an Authentication Method [MQTT-3.15.2.2.2]");
        }

        return new AuthPacket { ReasonCode = reason, Properties = properties };
    }

    public static int GetRemainingLength(AuthPacket packet) => ReasonCodeTail.GetLength(packet.ReasonCode, packet.Properties);

    public static void Write(ref PacketWriter writer, AuthPacket packet) => ReasonCodeTail.Write(ref writer, packet.ReasonCode, packet.Properties);
}
