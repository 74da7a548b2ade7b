using System.Buffers;
using System.Text;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Tests.Codec.Support;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>Encode with <see cref="MqttEncoder"/>, decode on the receiving side, compare every field.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<MqttProtocolVersion, string> Cases => PacketCatalog.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Packet_decodes_to_every_field_it_was_encoded_with(MqttProtocolVersion version, string name)
    {
        var entry = PacketCatalog.Get(version, name);
        var bytes = Wire.Encode(entry.Packet, version);
        var decoder = PacketCatalog.DecoderFor(entry);

        var decoded = DecodeAssert.Decodes(decoder, Segments.Single(bytes));

        PacketAssert.Equal(entry.Packet, decoded);
        Assert.Equal(version, decoder.ProtocolVersion);
        Assert.Equal(Wire.Hex(bytes), Wire.Hex(Wire.Encode(decoded, version)));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V310)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Catalog_holds_every_packet_type_that_the_protocol_level_defines(MqttProtocolVersion version)
    {
        var expected = Enum.GetValues<PacketType>()
            .Where(t => t != PacketType.Reserved && (t != PacketType.Auth || version == MqttProtocolVersion.V500));
        var present = PacketCatalog.All.Where(e => e.Version == version).Select(e => e.Packet.Type).Distinct();

        Assert.Equal(expected.Order(), present.Order());
    }

    [Fact]
    public void Catalog_sets_every_property_on_5_0()
    {
        // Every public property of MqttProperties is set somewhere in the 5.0 catalog, so the round trips
        // cover every property identifier of section 2.2.2.2 in at least one packet that may carry it.
        var properties = PacketCatalog.All
            .Where(e => e.Version == MqttProtocolVersion.V500)
            .SelectMany(e => AllProperties(e.Packet))
            .ToArray();
        foreach (var property in typeof(MqttProperties).GetProperties())
        {
            Assert.Contains(properties, p => IsSet(property.GetValue(p)));
        }
    }

    [Fact]
    public void Connect_without_password_flag_decodes_with_no_password()
    {
        // A CONNECT whose password flag is 0 has no password: null, not an empty one. Re-encoding an empty
        // password would set the password flag, which 3.1.1 refuses without a user name [MQTT-3.1.2-22].
        var connect = DecodeAssert.Decodes<ConnectPacket>(Decoders.FromClient(), PacketBytes.Packet(0x10, b => b.ConnectHeader(MqttProtocolVersion.V311, 0x02).String("c")));

        Assert.Null(connect.UserName);
        Assert.Null(connect.Password);
        Assert.Equal(0x02, Wire.Encode(connect, MqttProtocolVersion.V311)[9]);
    }

    [Fact]
    public void Connect_3_1_uses_protocol_name_MQIsdp_and_level_3()
    {
        var bytes = Wire.Encode(PacketCatalog.Get(MqttProtocolVersion.V310, "CONNECT minimal").Packet, MqttProtocolVersion.V310);

        Assert.Equal("MQIsdp"u8.ToArray(), bytes[4..10]);
        Assert.Equal(3, bytes[10]);
    }

    [Fact]
    public void Publish_with_a_payload_past_2_MiB_uses_a_4_byte_remaining_length_and_round_trips()
    {
        var payload = new byte[2_100_000];
        new Random(7).NextBytes(payload);
        var packet = new PublishPacket { QoS = QualityOfService.ExactlyOnce, PacketId = 9, Topic = "big", Payload = new ReadOnlySequence<byte>(payload) };
        var bytes = Wire.Encode(packet, MqttProtocolVersion.V500);

        Assert.True((bytes[1] & bytes[2] & bytes[3] & 0x80) != 0 && (bytes[4] & 0x80) == 0, "four remaining length bytes");
        var decoded = DecodeAssert.Decodes<PublishPacket>(Decoders.FromClient(MqttProtocolVersion.V500), bytes);
        Assert.True(decoded.Payload.ToArray().AsSpan().SequenceEqual(payload));
        Assert.Equal(5 + 2 + 3 + 2 + 1 + payload.Length, bytes.Length);
    }

    [Fact]
    public void Strings_of_65535_bytes_round_trip_and_longer_ones_are_refused_by_the_encoder()
    {
        var topic = new string('t', ushort.MaxValue);
        var packet = new PublishPacket { Topic = topic, Payload = new ReadOnlySequence<byte>([1]) };

        var decoded = DecodeAssert.Decodes<PublishPacket>(Decoders.FromClient(MqttProtocolVersion.V311), Wire.Encode(packet, MqttProtocolVersion.V311));
        Assert.Equal(topic, decoded.Topic);

        var tooLong = packet with { Topic = topic + "é" };
        Assert.Throws<ArgumentException>(() => MqttEncoder.GetSize(tooLong, MqttProtocolVersion.V311));
        Assert.Throws<ArgumentException>(() => MqttEncoder.Write(new ArrayBufferWriter<byte>(), tooLong, MqttProtocolVersion.V311));
    }

    [Fact]
    public void Publish_with_remaining_length_past_268435455_is_refused_by_the_encoder_before_writing()
    {
        // 257 segments over one 1 MiB array: a 269 MB payload without 269 MB of memory.
        var payload = Segments.Repeated(new byte[1 << 20], 257);
        var packet = new PublishPacket { Topic = "t", Payload = payload };
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => MqttEncoder.Write(output, packet, MqttProtocolVersion.V311));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void Binary_data_longer_than_65535_bytes_is_refused_by_the_encoder()
    {
        var connect = new ConnectPacket { ClientId = "c", UserName = "u", Password = new byte[ushort.MaxValue + 1] };

        Assert.Throws<ArgumentException>(() => MqttEncoder.GetSize(connect, MqttProtocolVersion.V311));
    }

    [Fact]
    public void Packet_dump_sees_user_property_order_and_binary_content()
    {
        // The comparison helper itself: it must notice what record equality would miss or over-report.
        var a = new MqttProperties { UserProperties = [new("a", "1"), new("b", "2")], CorrelationData = new byte[] { 1, 2 } };
        var sameContent = new MqttProperties { UserProperties = [new("a", "1"), new("b", "2")], CorrelationData = new byte[] { 1, 2 } };
        var reordered = a with { UserProperties = [new("b", "2"), new("a", "1")] };
        var otherBytes = a with { CorrelationData = new byte[] { 1, 3 } };

        Assert.Equal(PacketDump.Describe(a), PacketDump.Describe(sameContent));
        Assert.NotEqual(PacketDump.Describe(a), PacketDump.Describe(reordered));
        Assert.NotEqual(PacketDump.Describe(a), PacketDump.Describe(otherBytes));
        Assert.NotEqual(PacketDump.Describe(a), PacketDump.Describe(a with { CorrelationData = null }));
        Assert.NotEqual(
            PacketDump.Describe(new PublishPacket { Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("x")) }),
            PacketDump.Describe(new PublishPacket { Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("y")) }));
    }

    private static bool IsSet(object? value) => value switch
    {
        null => false,
        string => true,
        System.Collections.IEnumerable items => items.Cast<object>().Any(),
        _ => true,
    };

    private static IEnumerable<MqttProperties> AllProperties(MqttPacket packet)
    {
        var own = packet.GetType().GetProperty("Properties")?.GetValue(packet) as MqttProperties;
        if (own is not null)
        {
            yield return own;
        }

        if (packet is ConnectPacket { Will: { } will })
        {
            yield return will.Properties;
        }
    }
}
