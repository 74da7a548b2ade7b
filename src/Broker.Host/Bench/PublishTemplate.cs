using System.Buffers;
using System.Buffers.Binary;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Host.Bench;

/// <summary>
/// One publisher's PUBLISH, encoded once by <see cref="MqttEncoder"/>; every message after that is a copy of these
/// bytes with the payload header and packet identifier patched in place. Only those change between a publisher's
/// messages (same topic, QoS, size, no properties), so a message costs a copy and three stores, no allocation.
/// </summary>
public sealed class PublishTemplate
{
    private readonly byte[] _frame;

    private PublishTemplate(byte[] frame, int payloadOffset, int packetIdOffset)
    {
        _frame = frame;
        PayloadOffset = payloadOffset;
        PacketIdOffset = packetIdOffset;
    }

    public int Length => _frame.Length;

    public int PayloadOffset { get; }

    /// <summary>-1 at QoS 0, which has no packet identifier.</summary>
    public int PacketIdOffset { get; }

    public static PublishTemplate Create(string topic, QualityOfService qos, int size, MqttProtocolVersion version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, PayloadHeader.Size);
        var payload = new byte[size];
        // Printable padding: easier to read in a packet capture than zeros, and no compressor on the path to fool.
        payload.AsSpan(PayloadHeader.Size).Fill((byte)'x');
        var packet = new PublishPacket
        {
            Topic = topic,
            QoS = qos,
            PacketId = qos == QualityOfService.AtMostOnce ? (ushort)0 : (ushort)1,
            Payload = new ReadOnlySequence<byte>(payload),
        };
        var buffer = new ArrayBufferWriter<byte>(size + topic.Length + 16);
        MqttEncoder.Write(buffer, packet, version);
        var frame = buffer.WrittenSpan.ToArray();
        var payloadOffset = frame.Length - size;
        // The packet identifier follows the topic; in 5.0 the (empty, one-byte) property length comes between them and the payload.
        var packetIdOffset = qos == QualityOfService.AtMostOnce ? -1 : payloadOffset - 2 - (version == MqttProtocolVersion.V500 ? 1 : 0);
        return new PublishTemplate(frame, payloadOffset, packetIdOffset);
    }

    /// <returns>The bytes written: <see cref="Length"/>.</returns>
    public int WriteTo(Span<byte> destination, in PayloadHeader header, ushort packetId)
    {
        _frame.CopyTo(destination);
        header.Write(destination[PayloadOffset..]);
        if (PacketIdOffset >= 0)
            BinaryPrimitives.WriteUInt16BigEndian(destination[PacketIdOffset..], packetId);
        return _frame.Length;
    }
}
