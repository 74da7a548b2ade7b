using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Mqtt;
using Broker.Mqtt.Properties;
using FsCheck;
using FsCheck.Fluent;

namespace Broker.Core.Tests.Persistence;

public sealed class ApplicationMessageFormatTests
{
    private static readonly ApplicationMessage Full = new()
    {
        Id = -0x0123_4567_89AB_CDEF,
        Topic = "plant/b1/line2/machine3/sensor",
        Payload = new byte[] { 0, 1, 2, 255 },
        QoS = QualityOfService.ExactlyOnce,
        Retain = true,
        PublisherId = "publisher-é",
        ReceivedAtMs = 1_700_000_000_123,
        Properties = new MqttProperties
        {
            PayloadFormatIndicator = PayloadFormatIndicator.Utf8,
            MessageExpiryInterval = 3600,
            ContentType = "application/json",
            ResponseTopic = "reply/here",
            CorrelationData = new byte[] { 9, 8, 7 },
            UserProperties = [new UserProperty("a", "1"), new UserProperty("a", "2"), new UserProperty("", "")],
        },
    };

    private static readonly ApplicationMessage Minimal = new() { Topic = "t" };

    [Fact]
    public void Every_forwarded_field_round_trips()
    {
        AssertSame(Full, ApplicationMessageFormat.Deserialize(ApplicationMessageFormat.Serialize(Full)));
    }

    [Fact]
    public void A_message_without_properties_or_payload_round_trips_to_empty_properties()
    {
        var read = ApplicationMessageFormat.Deserialize(ApplicationMessageFormat.Serialize(Minimal));

        AssertSame(Minimal, read);
        Assert.Same(MqttProperties.Empty, read.Properties);
    }

    [Fact]
    public void A_message_id_round_trips_alone()
    {
        var message = Minimal with { Id = MessageIds.Next() };

        var read = ApplicationMessageFormat.Deserialize(ApplicationMessageFormat.Serialize(message));

        AssertSame(message, read);
        Assert.Same(MqttProperties.Empty, read.Properties);
    }

    [Fact]
    public void A_row_written_before_message_ids_reads_back_with_id_0()
    {
        // Version 1, body of 13 bytes: flags 0 (QoS 0), flags2 0, received-at 5 (little endian), topic "t", empty payload.
        byte[] oldRow = [1, 13, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, (byte)'t', 0];

        var read = ApplicationMessageFormat.Deserialize(oldRow);

        Assert.Equal(0, read.Id);
        Assert.Equal("t", read.Topic);
        Assert.Equal(5, read.ReceivedAtMs);
        Assert.Equal(oldRow, ApplicationMessageFormat.Serialize(read));
    }

    [Fact]
    public void The_id_costs_8_bytes_and_only_when_there_is_one()
    {
        var withId = Minimal with { Id = 1 };

        Assert.Equal(ApplicationMessageFormat.SerializedLength(Minimal) + 8, ApplicationMessageFormat.SerializedLength(withId));
        Assert.Equal(ApplicationMessageFormat.SerializedLength(withId), ApplicationMessageFormat.Serialize(withId).Length);
    }

    [Theory]
    [InlineData(1 << 3)]
    [InlineData(1 << 7)]
    public void An_unknown_flags2_bit_fails(byte bit)
    {
        var bytes = ApplicationMessageFormat.Serialize(Minimal);
        bytes[3] |= bit;

        Assert.Throws<InvalidDataException>(() => ApplicationMessageFormat.Deserialize(bytes));
    }

    [Fact]
    public void Connection_scoped_properties_are_not_stored()
    {
        var message = Minimal with { Properties = new MqttProperties { TopicAlias = 4, SubscriptionIdentifiers = [7] } };

        var read = ApplicationMessageFormat.Deserialize(ApplicationMessageFormat.Serialize(message));

        Assert.Null(read.Properties.TopicAlias);
        Assert.Empty(read.Properties.SubscriptionIdentifiers);
    }

    [Fact]
    public void Present_but_empty_correlation_data_stays_present()
    {
        var message = Minimal with { Properties = new MqttProperties { CorrelationData = ReadOnlyMemory<byte>.Empty } };

        var read = ApplicationMessageFormat.Deserialize(ApplicationMessageFormat.Serialize(message));

        Assert.NotNull(read.Properties.CorrelationData);
        Assert.Equal(0, read.Properties.CorrelationData!.Value.Length);
    }

    [Fact]
    public void Write_and_Read_take_consecutive_messages_off_one_stream()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            ApplicationMessageFormat.Write(writer, Full);
            ApplicationMessageFormat.Write(writer, Minimal);
            writer.Write(42);
        }

        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        AssertSame(Full, ApplicationMessageFormat.Read(reader));
        AssertSame(Minimal, ApplicationMessageFormat.Read(reader));
        Assert.Equal(42, reader.ReadInt32());
    }

    [Fact]
    public void Serialize_writes_what_Write_writes()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            ApplicationMessageFormat.Write(writer, Full);
        }

        Assert.Equal(ApplicationMessageFormat.Serialize(Full), stream.ToArray());
    }

    [Fact]
    public void Every_truncation_fails_with_InvalidDataException()
    {
        var bytes = ApplicationMessageFormat.Serialize(Full);
        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes[..length];
            Assert.Throws<InvalidDataException>(() => ApplicationMessageFormat.Deserialize(cut));
            Assert.Throws<InvalidDataException>(() => ReadFrom(new MemoryStream(cut)));
            Assert.Throws<InvalidDataException>(() => ReadFrom(new UnseekableStream(cut)));
        }
    }

    [Fact]
    public void Trailing_bytes_after_the_message_fail_Deserialize()
    {
        byte[] bytes = [.. ApplicationMessageFormat.Serialize(Full), 0];

        Assert.Throws<InvalidDataException>(() => ApplicationMessageFormat.Deserialize(bytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void An_unknown_version_fails(byte version)
    {
        var bytes = ApplicationMessageFormat.Serialize(Full);
        bytes[0] = version;

        var error = Assert.Throws<InvalidDataException>(() => ApplicationMessageFormat.Deserialize(bytes));
        Assert.Contains($"version {version}", error.Message);
        Assert.Throws<InvalidDataException>(() => ReadFrom(new MemoryStream(bytes)));
    }

    [Fact]
    public void A_huge_claimed_length_fails_without_allocating_it()
    {
        // Version 1, then a body length of 2^31 - 1 with nothing behind it.
        byte[] bytes = [1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07];

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidDataException>(() => ApplicationMessageFormat.Deserialize(bytes));
        Assert.Throws<InvalidDataException>(() => ReadFrom(new MemoryStream(bytes)));
        Assert.Throws<InvalidDataException>(() => ReadFrom(new UnseekableStream(bytes)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void A_length_beyond_31_bits_fails()
    {
        byte[] bytes = [1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F];

        Assert.Throws<InvalidDataException>(() => ApplicationMessageFormat.Deserialize(bytes));
        Assert.Throws<InvalidDataException>(() => ReadFrom(new UnseekableStream(bytes)));
    }

    [Fact]
    public void QoS_3_fails()
    {
        var bytes = ApplicationMessageFormat.Serialize(Minimal);
        bytes[2] |= 0b11;

        Assert.Throws<InvalidDataException>(() => ApplicationMessageFormat.Deserialize(bytes));
    }

    [Fact]
    public void A_topic_that_is_not_UTF8_fails()
    {
        var bytes = ApplicationMessageFormat.Serialize(Minimal);
        var topicByte = Array.IndexOf(bytes, (byte)'t');
        bytes[topicByte] = 0xFF;

        Assert.Throws<InvalidDataException>(() => ApplicationMessageFormat.Deserialize(bytes));
    }

    [Fact]
    public void Any_single_byte_corruption_is_read_or_refused_never_thrown_otherwise()
    {
        var original = ApplicationMessageFormat.Serialize(Full);
        for (var i = 0; i < original.Length; i++)
        {
            foreach (var value in new byte[] { 0x00, 0x01, 0x7F, 0x80, 0xFF })
            {
                var bytes = (byte[])original.Clone();
                bytes[i] = value;
                try
                {
                    ApplicationMessageFormat.Deserialize(bytes);
                }
                catch (InvalidDataException)
                {
                }
            }
        }
    }

    [Fact]
    public void Property_any_message_round_trips()
    {
        var property = Prop.ForAll(Messages.ToArbitrary(), message =>
        {
            var bytes = ApplicationMessageFormat.Serialize(message);
            AssertSame(message, ApplicationMessageFormat.Deserialize(bytes));
            AssertSame(message, ReadFrom(new UnseekableStream(bytes)));
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    private static ApplicationMessage ReadFrom(Stream stream)
    {
        using var reader = new BinaryReader(stream);
        return ApplicationMessageFormat.Read(reader);
    }

    private static readonly Gen<string> Text =
        Gen.Elements("a", "/", "+", "#", " ", "\0", "é", "€", "😀", "plant", "sensor")
            .ListOf()
            .Select(parts => string.Concat(parts));

    private static readonly Gen<byte[]> Bytes = ArbMap.Default.GeneratorFor<byte[]>();

    private static readonly Gen<MqttProperties> Properties =
        from format in Gen.Elements(PayloadFormatIndicator.Unspecified, PayloadFormatIndicator.Utf8).Select(f => (PayloadFormatIndicator?)f).Or(Gen.Constant<PayloadFormatIndicator?>(null))
        from expiry in ArbMap.Default.GeneratorFor<uint?>()
        from contentType in Text.OrNull()
        from responseTopic in Text.OrNull()
        from correlation in Bytes.OrNull()
        from users in Gen.Zip(Text, Text).Select(p => new UserProperty(p.Item1, p.Item2)).ArrayOf()
        select new MqttProperties
        {
            PayloadFormatIndicator = format,
            MessageExpiryInterval = expiry,
            ContentType = contentType,
            ResponseTopic = responseTopic,
            CorrelationData = correlation is null ? null : new ReadOnlyMemory<byte>(correlation),
            UserProperties = users,
        };

    private static readonly Gen<ApplicationMessage> Messages =
        from topic in Text
        from payload in Bytes
        from qos in Gen.Elements(QualityOfService.AtMostOnce, QualityOfService.AtLeastOnce, QualityOfService.ExactlyOnce)
        from retain in ArbMap.Default.GeneratorFor<bool>()
        from publisher in Text.OrNull()
        from receivedAt in ArbMap.Default.GeneratorFor<long>()
        from properties in Properties
        from id in Gen.Constant(0L).Or(ArbMap.Default.GeneratorFor<long>())
        select new ApplicationMessage
        {
            Id = id,
            Topic = topic,
            Payload = payload,
            QoS = qos,
            Retain = retain,
            PublisherId = publisher,
            ReceivedAtMs = receivedAt,
            Properties = properties,
        };

    /// <summary>Field by field: the records compare byte buffers and lists by reference.</summary>
    private static void AssertSame(ApplicationMessage expected, ApplicationMessage actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Topic, actual.Topic);
        Assert.Equal(expected.Payload.ToArray(), actual.Payload.ToArray());
        Assert.Equal(expected.QoS, actual.QoS);
        Assert.Equal(expected.Retain, actual.Retain);
        Assert.Equal(expected.PublisherId, actual.PublisherId);
        Assert.Equal(expected.ReceivedAtMs, actual.ReceivedAtMs);
        var e = expected.Properties;
        var a = actual.Properties;
        Assert.Equal(e.PayloadFormatIndicator, a.PayloadFormatIndicator);
        Assert.Equal(e.MessageExpiryInterval, a.MessageExpiryInterval);
        Assert.Equal(e.ContentType, a.ContentType);
        Assert.Equal(e.ResponseTopic, a.ResponseTopic);
        Assert.Equal(e.CorrelationData?.ToArray(), a.CorrelationData?.ToArray());
        Assert.Equal(e.UserProperties, a.UserProperties);
    }

    /// <summary>A stream that cannot say how long it is, as a network or compressed stream.</summary>
    private sealed class UnseekableStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
