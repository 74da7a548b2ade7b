using System.Buffers;
using Broker.Mqtt.Topics;

namespace Broker.Mqtt.Codec;

/// <summary>
/// A topic filter of SUBSCRIBE or UNSUBSCRIBE. A filter that breaks the wildcard rules of 4.7.1
/// (<c>a/#/b</c>, <c>a+</c>, an empty filter, <c>$share/g</c> with no filter) cannot be read as a filter
/// at all, so the packet is malformed and the connection closes [MQTT-4.8.0-1]; a well-formed filter
/// the server will not accept is the channel's business (SUBACK 0x8F).
/// </summary>
internal static class TopicFilterCodec
{
    public static string Read(ref SequenceReader<byte> reader)
    {
        var filter = WireReader.ReadString(ref reader, "topic filter");
        if (!TopicValidator.IsValidFilter(filter))
        {
            Throw.Malformed($"\"{filter}\" is not a valid topic filter [MQTT-4.7.1-1, 4.7.1-2, 4.7.3-1]");
        }

        return filter;
    }
}
