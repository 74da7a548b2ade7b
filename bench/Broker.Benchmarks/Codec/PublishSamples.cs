using System.Buffers;
using System.Text;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Benchmarks.Codec;

/// <summary>
/// The PUBLISH packets the codec benchmarks use: what an IIoT gateway sends for one machine's sensor.
/// The wire bytes are produced by the encoder under test and checked to decode back to the same packet,
/// so a broken codec fails the setup instead of producing fast but meaningless figures.
/// </summary>
internal static class PublishSamples
{
    public const string Topic = "plant/building2/line3/machine7/temperature";

    public const int PacketsPerBatch = 100;

    /// <summary>64 bytes of JSON, the size of a typical single-reading telemetry message.</summary>
    public static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"ts":1732185600123,"value":71.25,"unit":"degC","status":"good"}""");

    /// <summary>QoS 0 at MQTT 3.1.1: fire-and-forget telemetry, the bulk of IIoT traffic.</summary>
    public static PublishPacket V311QoS0() => new()
    {
        QoS = QualityOfService.AtMostOnce,
        Topic = Topic,
        Payload = new ReadOnlySequence<byte>(Payload),
    };

    /// <summary>QoS 1 at MQTT 5.0 with the properties of a request/response exchange.</summary>
    public static PublishPacket V500QoS1(byte correlationSeed = 0) => new()
    {
        QoS = QualityOfService.AtLeastOnce,
        PacketId = 42,
        Topic = Topic,
        Payload = new ReadOnlySequence<byte>(Payload),
        Properties = new MqttProperties
        {
            PayloadFormatIndicator = PayloadFormatIndicator.Utf8,
            MessageExpiryInterval = 3600,
            ContentType = "application/json",
            ResponseTopic = "plant/building2/line3/machine7/temperature/ack",
            CorrelationData = Enumerable.Range(correlationSeed, 16).Select(i => (byte)i).ToArray(),
            UserProperties =
            [
                new UserProperty("site", "building2"),
                new UserProperty("schema", "telemetry-v3"),
            ],
        },
    };

    public static byte[] Encode(PublishPacket packet, MqttProtocolVersion version, int copies = 1)
    {
        var writer = new ArrayBufferWriter<byte>();
        for (var i = 0; i < copies; i++)
        {
            MqttEncoder.Write(writer, packet, version);
        }

        return writer.WrittenSpan.ToArray();
    }

    /// <summary>A broker-side decoder (it reads what clients send) after CONNECT chose <paramref name="version"/>.</summary>
    public static MqttDecoder NewDecoder(MqttDecoderOptions options, MqttProtocolVersion version) =>
        new(options) { ProtocolVersion = version };

    /// <summary>Decodes every packet in <paramref name="bytes"/> and checks each against <paramref name="expected"/>.</summary>
    public static void Verify(byte[] bytes, PublishPacket expected, MqttProtocolVersion version)
    {
        var decoder = NewDecoder(new MqttDecoderOptions(), version);
        var buffer = new ReadOnlySequence<byte>(bytes);
        while (!buffer.IsEmpty)
        {
            if (decoder.TryDecode(ref buffer, out var packet, out var error) != DecodeStatus.Decoded)
            {
                throw new InvalidOperationException($"The sample does not decode: {error}");
            }

            var actual = (PublishPacket)packet!;
            var same = actual.Topic == expected.Topic
                && actual.QoS == expected.QoS
                && actual.PacketId == expected.PacketId
                && actual.Payload.ToArray().AsSpan().SequenceEqual(expected.Payload.ToArray())
                && SameProperties(actual.Properties, expected.Properties, version);
            if (!same)
            {
                throw new InvalidOperationException("The sample decodes to a different packet than was encoded.");
            }
        }
    }

    private static bool SameProperties(MqttProperties actual, MqttProperties expected, MqttProtocolVersion version) =>
        version != MqttProtocolVersion.V500
        || (actual.PayloadFormatIndicator == expected.PayloadFormatIndicator
            && actual.MessageExpiryInterval == expected.MessageExpiryInterval
            && actual.ContentType == expected.ContentType
            && actual.ResponseTopic == expected.ResponseTopic
            && actual.CorrelationData?.Span.SequenceEqual(expected.CorrelationData!.Value.Span) == true
            && actual.UserProperties.SequenceEqual(expected.UserProperties));
}
