using Broker.Cluster.Delivery;
using Broker.Core.Messaging;
using Broker.Mqtt;

namespace Broker.Cluster.Tests;

/// <summary>What crosses nodes with messages survives the wire whole, and bytes that do not hold what they claim are refused.</summary>
public sealed class DeliverySerializerTests
{
    private readonly DeliverySerializer _serializer = new(null!);

    [Fact]
    public void A_batch_round_trips_with_its_groups_and_commit_ids()
    {
        var batch = ForwardBatch.Of(42, [
            new ForwardItem(Message("a/1", "x"), null, 0),
            new ForwardItem(Message("a/ü", "ÿ"), ["$share/g/a/+", "$share/h/#"], 7),
        ]);

        var read = (ForwardBatch)RoundTrip(batch);

        Assert.Equal(42, read.Sequence);
        Assert.Equal(["a/1", "a/ü"], read.Items.Select(i => i.Message.Topic));
        Assert.Equal("ÿ"u8.ToArray(), read.Items[1].Message.Payload.ToArray());
        Assert.Equal(QualityOfService.AtLeastOnce, read.Items[1].Message.QoS);
        Assert.Null(read.Items[0].Groups);
        Assert.Equal(["$share/g/a/+", "$share/h/#"], read.Items[1].Groups!);
        Assert.Equal([0L, 7L], read.Items.Select(i => i.CommitId));
    }

    [Fact]
    public void A_forwarded_message_keeps_its_id_and_one_without_keeps_none()
    {
        var id = MessageIds.Next();
        var batch = ForwardBatch.Of(1, [
            new ForwardItem(Message("a", "x") with { Id = id }, null, 0),
            new ForwardItem(Message("b", "y"), ["$share/g/b"], 3),
        ]);

        var read = (ForwardBatch)RoundTrip(batch);

        Assert.Equal([id, 0L], read.Items.Select(i => i.Message.Id));
        Assert.Equal(batch.Length, read.Length);
    }

    [Fact]
    public void Acknowledgements_round_trip()
    {
        var ack = (BatchAck)RoundTrip(new BatchAck(9, [1, 2], [3]));
        var done = (CommitsDone)RoundTrip(new CommitsDone([], [5, 6]));

        Assert.Equal(9, ack.Sequence);
        Assert.Equal([1L, 2L], ack.Completed);
        Assert.Equal([3L], ack.Failed);
        Assert.Empty(done.Completed);
        Assert.Equal([5L, 6L], done.Failed);
    }

    [Fact]
    public void Truncated_or_inflated_bytes_are_refused()
    {
        var bytes = _serializer.ToBinary(ForwardBatch.Of(1, [new ForwardItem(Message("t", "payload"), ["$share/g/t"], 3)]));
        var manifest = _serializer.Manifest(ForwardBatch.Of(1, []));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => _serializer.FromBinary(bytes[..length], manifest));
        }

        var inflated = (byte[])bytes.Clone();
        BitConverter.GetBytes(int.MaxValue).CopyTo(inflated, 8);
        Assert.Throws<InvalidDataException>(() => _serializer.FromBinary(inflated, manifest));
        Assert.Throws<InvalidDataException>(() => _serializer.FromBinary([.. bytes, 0], manifest));
    }

    private object RoundTrip(object message) => _serializer.FromBinary(_serializer.ToBinary(message), _serializer.Manifest(message));

    private static ApplicationMessage Message(string topic, string payload) => new()
    {
        Topic = topic,
        Payload = System.Text.Encoding.UTF8.GetBytes(payload),
        QoS = QualityOfService.AtLeastOnce,
        PublisherId = "p",
        ReceivedAtMs = 1_765_000_000_000,
    };
}
