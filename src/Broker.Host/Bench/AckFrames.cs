using System.Buffers;
using System.Buffers.Binary;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Host.Bench;

/// <summary>
/// PUBACK, PUBREC, PUBREL and PUBCOMP with reason Success, encoded once by <see cref="MqttEncoder"/> for the
/// connection's protocol level: 4 bytes each (5.0 omits a Success reason with no properties [MQTT-3.4.2-1]), the packet
/// identifier patched in at bytes 2-3. Acknowledging is on the read loop's hot path at QoS 1 and 2.
/// </summary>
public sealed class AckFrames
{
    private readonly byte[][] _frames = new byte[16][];

    public AckFrames(MqttProtocolVersion version)
    {
        foreach (var packet in new PublishAcknowledgement[] { new PubAckPacket(), new PubRecPacket(), new PubRelPacket(), new PubCompPacket() })
        {
            var buffer = new ArrayBufferWriter<byte>(8);
            MqttEncoder.Write(buffer, packet, version);
            _frames[(int)packet.Type] = buffer.WrittenSpan.ToArray();
        }
    }

    /// <summary>Appends the acknowledgement to <paramref name="buffer"/>, growing it when full; returns the new length.</summary>
    public int Append(ref byte[] buffer, int length, PacketType type, ushort packetId)
    {
        var frame = _frames[(int)type];
        if (length + frame.Length > buffer.Length)
            Array.Resize(ref buffer, buffer.Length * 2);
        frame.CopyTo(buffer.AsSpan(length));
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(length + 2), packetId);
        return length + frame.Length;
    }
}
