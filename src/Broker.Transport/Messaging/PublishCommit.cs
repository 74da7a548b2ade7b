using Broker.Actors;

namespace Broker.Transport.Messaging;

/// <summary>
/// What a QoS 1/2 PUBLISH waits for before it is acknowledged under <c>sync</c> durability: every durable
/// subscriber session the router tells it to <see cref="Join"/>s first and leaves once the message's effect
/// on its state is committed (<see cref="Succeed"/>) or could not be (<see cref="Fail"/>). The publisher's
/// own share is released by <see cref="Seal"/> after routing: when nobody joined, or all have left by then,
/// the acknowledgement goes out at once on the publisher's turn; otherwise the last to leave tells this
/// commit to <paramref name="publisher"/> (its session). So PUBACK never precedes the commit that makes the
/// message survive a crash, and a publish that reaches no durable session pays nothing.
/// </summary>
/// <param name="packetId">The publish's packet id, for the publisher's session.</param>
public sealed class PublishCommit(IActorRef publisher, ushort packetId)
{
    private int _pending = 1;
    private int _failed;

    /// <summary>Some participant could not commit: the publisher gets 0x80 (5.0) or its connection is closed unacknowledged (3.x).</summary>
    public bool Failed => Volatile.Read(ref _failed) != 0;

    public bool IsComplete => Volatile.Read(ref _pending) == 0;

    public ushort PacketId => packetId;

    /// <summary>One more participant, before it is told the message.</summary>
    public void Join() => Interlocked.Increment(ref _pending);

    public void Succeed() => Leave();

    public void Fail()
    {
        Volatile.Write(ref _failed, 1);
        Leave();
    }

    /// <summary>Routing is done. True when every participant has already left: complete now, and no completion call follows.</summary>
    public bool Seal() => Interlocked.Decrement(ref _pending) == 0;

    private void Leave()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            publisher.Tell(this);
        }
    }
}
