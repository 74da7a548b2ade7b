using Broker.Cluster.Sessions;
using Broker.Core.Sessions.Cluster;

namespace Broker.Cluster.Tests;

/// <summary>The session ownership and move messages survive the wire whole, and bytes that do not hold what they claim are refused.</summary>
public sealed class SessionSerializerTests
{
    private readonly SessionSerializer _serializer = new(null!);

    public static TheoryData<object> Messages() =>
    [
        new ClaimOwner("plant/line-1", "akka.tcp://plant@10.0.0.5:4370"),
        new ReclaimOwner("ü-client", "akka.tcp://plant@10.0.0.6:4370"),
        new ReleaseOwner("c", "akka.tcp://plant@10.0.0.5:4370"),
        new AdoptOwner("c", "session/c/10.0.0.5:4370~0190"),
        new OwnerGranted("c", "akka.tcp://plant@10.0.0.5:4370", MayBeStored: false),
        new OwnerGranted("c", null, MayBeStored: true),
        new WhoHas("c"),
        new Has("c", true, "akka.tcp://plant@10.0.0.7:4370"),
        new AdoptStoredSession("c", "session/c/10.0.0.5:4370~0190"),
        new TransferRequest("c", 7, CleanStart: true) { From = "akka.tcp://plant@10.0.0.5:4370" },
        new TransferReply("c", 7, null) { From = "n" },
        new TransferResumed("c", 7, ["plant/#", "$share/g/a/+"]) { From = "n" },
        new TransferStored("c", 7, 12, Failed: true) { From = "n" },
        new TransferDone("c", 7) { From = "n" },
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_message_round_trips(object message)
    {
        var read = RoundTrip(message);

        Assert.Equal(message.GetType(), read.GetType());
        if (message is TransferResumed resumed)
        {
            Assert.Equal(resumed.Filters, ((TransferResumed)read).Filters);
            Assert.Equal(resumed.From, ((TransferResumed)read).From);
        }
        else
        {
            Assert.Equal(message, read);
        }
    }

    [Fact]
    public void Bytes_round_trip_whole()
    {
        var reply = (TransferReply)RoundTrip(new TransferReply("c", 3, [1, 2, 3]) { From = "n" });
        var pending = (TransferPending)RoundTrip(new TransferPending("c", 3, [9, 8], Seq: 5) { From = "n" });

        Assert.Equal([1, 2, 3], reply.Snapshot!);
        Assert.Equal([9, 8], pending.Delivery);
        Assert.Equal(5, pending.Seq);
        Assert.Equal("n", pending.From);
    }

    [Fact]
    public void Truncated_or_trailing_bytes_and_unknown_manifests_are_refused()
    {
        var message = new TransferPending("c", 3, [9, 8, 7], Seq: 5) { From = "n" };
        var bytes = _serializer.ToBinary(message);
        var manifest = _serializer.Manifest(message);

        Assert.Throws<InvalidDataException>(() => _serializer.FromBinary(bytes[..^3], manifest));
        Assert.Throws<InvalidDataException>(() => _serializer.FromBinary([.. bytes, 0], manifest));
        Assert.Throws<InvalidDataException>(() => _serializer.FromBinary(bytes, "?"));
    }

    private object RoundTrip(object message) => _serializer.FromBinary(_serializer.ToBinary(message), _serializer.Manifest(message));
}
