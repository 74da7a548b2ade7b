using Broker.Actors.Persistence.Serialization;
using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Journal;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Core.Tests.Persistence;

public class SessionEventSerializerTests
{
    private static readonly ApplicationMessage Message = new()
    {
        Id = 0x5EED_0000_0000_0001,
        Topic = "plant/b2/line/m1/temp",
        Payload = new byte[] { 1, 2, 3 },
        QoS = QualityOfService.ExactlyOnce,
        Retain = true,
        PublisherId = "m1",
        ReceivedAtMs = 1_700_000_000_123,
        Properties = new MqttProperties { MessageExpiryInterval = 60, ContentType = "x", UserProperties = [new UserProperty("k", "v")] },
    };

    private static readonly Deliver Delivery = new(
        Message, "$share/g/plant/#", new SubscriptionOptions(QualityOfService.AtLeastOnce, true, true, RetainHandling.DoNotSend), 42, "g", fromRetained: true);

    /// <summary>One delivery for three overlapping subscriptions: only format version 2 holds it.</summary>
    private static readonly Deliver Merged = new(
        Message,
        [
            new SubscriptionMatch("plant/+/line/#", new SubscriptionOptions(QualityOfService.AtLeastOnce, NoLocal: true), 2),
            new SubscriptionMatch("plant/#", new SubscriptionOptions(QualityOfService.ExactlyOnce, RetainAsPublished: true), 0),
            new SubscriptionMatch("#", new SubscriptionOptions(QualityOfService.AtMostOnce, RetainHandling: RetainHandling.SendOnNewSubscribe), 268_435_455),
        ],
        null);

    private static readonly WillMessage Will = new()
    {
        Topic = "will/m1",
        Payload = "bye"u8.ToArray(),
        QoS = QualityOfService.AtLeastOnce,
        Properties = new MqttProperties { WillDelayInterval = 30, ContentType = "text" },
    };

    public static TheoryData<SessionEvent> Events() =>
    [
        new SubscriptionAdded("a/+/b", new SessionSubscription(new SubscriptionOptions(QualityOfService.ExactlyOnce, RetainHandling: RetainHandling.SendOnNewSubscribe), 7)),
        new SubscriptionRemoved("a/+/b"),
        new MessageStored(123_456_789_012, Delivery, QualityOfService.AtLeastOnce, 0),
        new MessageStored(1, Delivery with { ShareGroup = null, Matches = [new SubscriptionMatch("plant/#", Delivery.Matches[0].Options, 42)] }, QualityOfService.ExactlyOnce, 65535),
        new MessageStored(2, Merged, QualityOfService.AtLeastOnce, 0),
        new MessageStored(3, Merged with { FromRetained = true }, QualityOfService.ExactlyOnce, 12),
        new MessageSent(5, 9),
        new MessageReleased(9),
        new MessageCompleted(9),
        new MessageDiscarded(5),
        new AwaitingRelAdded(3, 1_700_000_000_000),
        new AwaitingRelRemoved(3),
        new SessionAttached(uint.MaxValue, Will),
        new SessionAttached(0, null),
        new SessionDetached(1_700_000_000_000, 3600, Will with { Properties = MqttProperties.Empty }),
    ];

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_event_reads_back_as_written(SessionEvent @event)
    {
        var registry = SessionEventSerializer.RegisterAll(new EventSerializerRegistry());
        var stored = registry.Serialize(@event);

        var read = registry.Deserialize(stored.Manifest, stored.Bytes);

        Assert.Equal(Normalize(@event), Normalize(read));
    }

    [Fact]
    public void A_snapshot_reads_back_as_written()
    {
        var stored = new MessageStored(4, Delivery, QualityOfService.ExactlyOnce, 0);
        var merged = new MessageStored(0, Merged, QualityOfService.AtLeastOnce, 9);
        var snapshot = new SessionSnapshot(
            new SessionStateSnapshot(
                [new SubscriptionAdded("t/#", new SessionSubscription(new SubscriptionOptions(QualityOfService.AtLeastOnce), 0))],
                [stored],
                [new InflightSnapshot(stored with { Id = 0, PacketId = 8 }, InflightPhase.AwaitingComp), new InflightSnapshot(merged, InflightPhase.AwaitingAck)],
                [new AwaitingRelAdded(2, 99)],
                5),
            600, Will, 1234, null);

        var bytes = SessionEventSerializer.Instance.ToBytes(snapshot);
        var read = (SessionSnapshot)SessionEventSerializer.Instance.FromBytes(bytes);

        Assert.Equal(2, bytes[0]); // the merged delivery in flight needs version 2
        Assert.Equal(Normalize(snapshot.State.Subscriptions[0]), Normalize(read.State.Subscriptions[0]));
        Assert.Equal(Normalize(stored), Normalize(read.State.Queued[0]));
        Assert.Equal((8, InflightPhase.AwaitingComp), (read.State.Inflight[0].Message.PacketId, read.State.Inflight[0].Phase));
        Assert.Equal(Normalize(merged), Normalize(read.State.Inflight[1].Message));
        Assert.Equal(snapshot.State.AwaitingRel, read.State.AwaitingRel);
        Assert.Equal((5L, 600u, 1234L, (WillMessage?)null), (read.State.NextMessageId, read.ExpirySeconds, read.DetachedAtMs, read.PendingWill));
        Assert.Equal(Normalize(new SessionAttached(0, Will)), Normalize(new SessionAttached(0, read.Will)));
    }

    [Fact]
    public void Version_1_is_written_unless_a_delivery_matched_several_subscriptions()
    {
        Assert.Equal(1, SessionEventSerializer.Instance.ToBytes(new MessageStored(1, Delivery, QualityOfService.AtLeastOnce, 0))[0]);
        Assert.Equal(1, SessionEventSerializer.Instance.ToBytes(new SubscriptionRemoved("a"))[0]);
        Assert.Equal(2, SessionEventSerializer.Instance.ToBytes(new MessageStored(1, Merged, QualityOfService.AtLeastOnce, 0))[0]);
    }

    /// <summary>A stored delivery as brokers wrote it before deliveries of several subscriptions, byte by byte.</summary>
    [Fact]
    public void A_version_1_stored_delivery_still_reads()
    {
        byte[] bytes =
        [
            1, 3, // version 1, MessageStored
            77, 1, 3, 0, // id 77, QoS 1, packet id 3 (little endian)
            .. ApplicationMessageFormat.Serialize(Message),
            7, .. "plant/#"u8, // filter
            0b0000_1010, // options: QoS 2, Retain As Published
            42, // subscription identifier
            1, // from retained
            1, 1, (byte)'g', // a share group follows: "g"
        ];

        var read = (MessageStored)SessionEventSerializer.Instance.FromBytes(bytes);

        var expected = new Deliver(Message, "plant/#", new SubscriptionOptions(QualityOfService.ExactlyOnce, RetainAsPublished: true), 42, "g", fromRetained: true);
        Assert.Equal(Normalize(new MessageStored(77, expected, QualityOfService.AtLeastOnce, 3)), Normalize(read));
    }

    [Fact]
    public void Further_matches_in_a_version_1_record_are_refused_as_corrupt()
    {
        var bytes = SessionEventSerializer.Instance.ToBytes(new MessageStored(1, Merged, QualityOfService.AtLeastOnce, 0));
        bytes[0] = 1;

        Assert.Throws<InvalidDataException>(() => SessionEventSerializer.Instance.FromBytes(bytes));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_truncation_and_a_trailing_byte_are_refused_as_corrupt(bool merged)
    {
        var bytes = SessionEventSerializer.Instance.ToBytes(new MessageStored(77, merged ? Merged : Delivery, QualityOfService.AtLeastOnce, 3));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => SessionEventSerializer.Instance.FromBytes(bytes.AsSpan(0, length)));
        }

        Assert.Throws<InvalidDataException>(() => SessionEventSerializer.Instance.FromBytes([.. bytes, 0]));
    }

    [Theory]
    [InlineData(new byte[] { 3, 1 })] // unknown version
    [InlineData(new byte[] { 1, 200 })] // unknown tag
    [InlineData(new byte[] { 1, 1, 1, (byte)'a', 0xC0, 0 })] // reserved subscription option bits
    [InlineData(new byte[] { 1, 1, 1, (byte)'a', 0x30, 0 })] // retain handling 3
    public void Values_out_of_range_are_refused_as_corrupt(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => SessionEventSerializer.Instance.FromBytes(bytes));

    /// <summary>Records holding byte memory and lists compare by reference: compared through a printable form.</summary>
    private static string Normalize(object value) => value switch
    {
        MessageStored m => $"{m.Id}|{m.QoS}|{m.PacketId}|{Normalize(m.Deliver)}",
        Deliver d => $"{Normalize(d.Message)}|{string.Join(";", d.Matches)}|{d.ShareGroup}|{d.FromRetained}",
        ApplicationMessage a => $"{a.Id}|{a.Topic}|{Convert.ToHexString(a.Payload.Span)}|{a.QoS}|{a.Retain}|{a.PublisherId}|{a.ReceivedAtMs}|{a.Properties.MessageExpiryInterval}|{a.Properties.ContentType}|{string.Join(",", a.Properties.UserProperties)}",
        SessionAttached s => $"attached|{s.ExpirySeconds}|{Normalize(s.Will)}",
        SessionDetached s => $"detached|{s.AtMs}|{s.ExpirySeconds}|{Normalize(s.PendingWill)}",
        _ => value.ToString()!,
    };

    private static string Normalize(WillMessage? will) => will is null ? "none"
        : $"{will.Topic}|{Convert.ToHexString(will.Payload.Span)}|{will.QoS}|{will.Retain}|{will.Properties.WillDelayInterval}|{will.Properties.ContentType}";
}
