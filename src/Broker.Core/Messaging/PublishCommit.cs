using Broker.Actors;

namespace Broker.Core.Messaging;

/// <summary>
/// What a QoS 1/2 PUBLISH waits for before it is acknowledged. Two kinds of participant join it while the router
/// tells the subscribers' sessions:
/// <list type="bullet">
/// <item>under <c>sync</c> durability (<see cref="WaitsForStorage"/>), every durable subscriber session and the
/// retained store, each leaving once the message's effect on its state is committed (<see cref="Succeed"/>) or could
/// not be (<see cref="Fail"/>): PUBACK never precedes the commit that makes the message survive a crash;</item>
/// <item>a connected subscriber whose queue is full (ARCHITECTURE.md, "Overload"), leaving once the message has
/// room in its queue: PUBACK never promises what a subscriber cannot take.</item>
/// </list>
/// The publisher's own share is released by <see cref="Seal"/> after routing: when nobody joined, or all have left
/// by then, the acknowledgement goes out at once on the publisher's turn; otherwise the last to leave tells this
/// commit to its publisher's session (or, for a message another node forwarded, calls back to acknowledge it there). A publish that nobody joined pays nothing but the Interlocked
/// operations: its publisher uses the same instance again for the next one (<see cref="Begin"/>).
/// </summary>
/// <param name="waitsForStorage">Under sync durability: durable subscribers join.</param>
public sealed class PublishCommit(Action<PublishCommit> completed, bool waitsForStorage)
{
    private int _pending = 1;

    /// <summary>A publisher session's commit: told to it when the last participant leaves.</summary>
    public PublishCommit(IActorRef publisher, bool waitsForStorage)
        : this(commit => publisher.Tell(commit), waitsForStorage)
    {
    }
    private int _failed;

    /// <summary>Durable subscribers and the retained store join it (sync durability).</summary>
    public bool WaitsForStorage => waitsForStorage;

    /// <summary>Some participant could not commit: the publisher gets 0x80 (5.0) or its connection is closed unacknowledged (3.x).</summary>
    public bool Failed => Volatile.Read(ref _failed) != 0;

    public bool IsComplete => Volatile.Read(ref _pending) == 0;

    /// <summary>The publish's packet id, for the publisher's session.</summary>
    public ushort PacketId { get; private set; }

    /// <summary>Starts the commit of one publish: a new instance, or one whose last publish was sealed with nobody joined.</summary>
    public PublishCommit Begin(ushort packetId)
    {
        PacketId = packetId;
        Volatile.Write(ref _failed, 0);
        Volatile.Write(ref _pending, 1);
        return this;
    }

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
            completed(this);
        }
    }
}
