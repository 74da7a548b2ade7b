using Broker.Actors.Persistence.Serialization;
using Broker.Transport.Messaging;
using Broker.Transport.Mqtt;
using Broker.Transport.Mqtt.Packets;
using Broker.Transport.Mqtt.Properties;
using Broker.Transport.Routing;
using Broker.Transport.Sessions;
using Broker.Transport.Sessions.Journal;

namespace Broker.Transport.Tests.Sessions.Durable;

public class SessionEventSerializerTests
{
    private static readonly ApplicationMessage Message = new()
    {
        Topic = "plant/b2/line/m1/temp",
        Payload = new byte[] { 1, 2, 3 },
        QoS = QualityOfService.ExactlyOnce,
        Retain = true,
        PublisherId = "m1",
        ReceivedAtMs = 1_700_000_000_123,
        Properties = new MqttProperties { MessageExpiryInterval = 60, ContentType = "x", UserProperties = [new UserProperty("k", "v")] },
    };

    private static readonly Deliver Delivery = new(
        Message, "$share/g/plant/#", new SubscriptionOptions(QualityOfService.AtLeastOnce, true, true, RetainHandling.DoNotSend), 42, "g", FromRetained: true);

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
        new MessageStored(1, Delivery with { ShareGroup = null, Filter = "plant/#" }, QualityOfService.ExactlyOnce, 65535),
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
        var snapshot = new SessionSnapshot(
            new SessionStateSnapshot(
                [new SubscriptionAdded("t/#", new SessionSubscription(new SubscriptionOptions(QualityOfService.AtLeastOnce), 0))],
                [stored],
                [new InflightSnapshot(stored with { Id = 0, PacketId = 8 }, InflightPhase.AwaitingComp)],
                [new AwaitingRelAdded(2, 99)],
                5),
            600, Will, 1234, null);

        var read = (SessionSnapshot)SessionEventSerializer.Instance.FromBytes(SessionEventSerializer.Instance.ToBytes(snapshot));

        Assert.Equal(Normalize(snapshot.State.Subscriptions[0]), Normalize(read.State.Subscriptions[0]));
        Assert.Equal(Normalize(stored), Normalize(read.State.Queued[0]));
        Assert.Equal((8, InflightPhase.AwaitingComp), (read.State.Inflight[0].Message.PacketId, read.State.Inflight[0].Phase));
        Assert.Equal(snapshot.State.AwaitingRel, read.State.AwaitingRel);
        Assert.Equal((5L, 600u, 1234L, (WillMessage?)null), (read.State.NextMessageId, read.ExpirySeconds, read.DetachedAtMs, read.PendingWill));
        Assert.Equal(Normalize(new SessionAttached(0, Will)), Normalize(new SessionAttached(0, read.Will)));
    }

    [Fact]
    public void Every_truncation_and_a_trailing_byte_are_refused_as_corrupt()
    {
        var bytes = SessionEventSerializer.Instance.ToBytes(new MessageStored(77, Delivery, QualityOfService.AtLeastOnce, 3));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => SessionEventSerializer.Instance.FromBytes(bytes.AsSpan(0, length)));
        }

        Assert.Throws<InvalidDataException>(() => SessionEventSerializer.Instance.FromBytes([.. bytes, 0]));
    }

    [Theory]
    [InlineData(new byte[] { 2, 1 })] // unknown version
    [InlineData(new byte[] { 1, 200 })] // unknown tag
    [InlineData(new byte[] { 1, 1, 1, (byte)'a', 0xC0, 0 })] // reserved subscription option bits
    [InlineData(new byte[] { 1, 1, 1, (byte)'a', 0x30, 0 })] // retain handling 3
    public void Values_out_of_range_are_refused_as_corrupt(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => SessionEventSerializer.Instance.FromBytes(bytes));

    /// <summary>Records holding byte memory and lists compare by reference: compared through a printable form.</summary>
    private static string Normalize(object value) => value switch
    {
        MessageStored m => $"{m.Id}|{m.QoS}|{m.PacketId}|{Normalize(m.Deliver)}",
        Deliver d => $"{Normalize(d.Message)}|{d.Filter}|{d.Options}|{d.SubscriptionId}|{d.ShareGroup}|{d.FromRetained}",
        ApplicationMessage a => $"{a.Topic}|{Convert.ToHexString(a.Payload.Span)}|{a.QoS}|{a.Retain}|{a.PublisherId}|{a.ReceivedAtMs}|{a.Properties.MessageExpiryInterval}|{a.Properties.ContentType}|{string.Join(",", a.Properties.UserProperties)}",
        SessionAttached s => $"attached|{s.ExpirySeconds}|{Normalize(s.Will)}",
        SessionDetached s => $"detached|{s.AtMs}|{s.ExpirySeconds}|{Normalize(s.PendingWill)}",
        _ => value.ToString()!,
    };

    private static string Normalize(WillMessage? will) => will is null ? "none"
        : $"{will.Topic}|{Convert.ToHexString(will.Payload.Span)}|{will.QoS}|{will.Retain}|{will.Properties.WillDelayInterval}|{will.Properties.ContentType}";
}
