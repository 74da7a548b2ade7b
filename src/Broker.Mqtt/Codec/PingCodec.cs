using System.Buffers;
using Broker.Mqtt.Packets;

namespace Broker.Mqtt.Codec;

/// <summary>PINGREQ and PINGRESP (3.12, 3.13): a fixed header with remaining length 0, nothing else.</summary>
internal static class PingCodec
{
    public static MqttPacket Read(ref SequenceReader<byte> reader, MqttPacket instance)
    {
        ReasonCodeTail.ExpectEnd(ref reader, instance.Type);
        return instance;
    }
}
