namespace Broker.Core.Messaging;

/// <summary>
/// Broker-wide counters, incremented with Interlocked from any thread. Per-client counts live in
/// the session; these are the totals the management API and $SYS topics will report.
/// </summary>
public sealed class BrokerMetrics
{
    private long _connectionsAccepted;
    private long _connectionsRefused;
    private long _malformedPackets;
    private long _protocolErrors;
    private long _messagesReceived;
    private long _messagesDelivered;
    private readonly long[] _dropped = new long[DropReasons.All.Count];
    private long _publishesRefused;

    public long ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);
    public long ConnectionsRefused => Volatile.Read(ref _connectionsRefused);
    public long MalformedPackets => Volatile.Read(ref _malformedPackets);
    public long ProtocolErrors => Volatile.Read(ref _protocolErrors);
    public long MessagesReceived => Volatile.Read(ref _messagesReceived);
    public long MessagesDelivered => Volatile.Read(ref _messagesDelivered);

    /// <summary>Messages that matched a subscription and did not reach it (EMQX's <c>delivery.dropped</c>).</summary>
    public long MessagesDropped =>
        Dropped(DropReason.Expired) + Dropped(DropReason.QueueFull) + Dropped(DropReason.QoS0Message) + Dropped(DropReason.TooLarge);

    public long MessagesExpired => Dropped(DropReason.Expired);

    public long Dropped(DropReason reason) => Volatile.Read(ref _dropped[(int)reason]);

    /// <summary>QoS 1/2 publishes not acknowledged because storage could not keep them (0x80, or closed on 3.x).</summary>
    public long PublishesRefused => Volatile.Read(ref _publishesRefused);

    public void ConnectionAccepted() => Interlocked.Increment(ref _connectionsAccepted);
    public void ConnectionRefused() => Interlocked.Increment(ref _connectionsRefused);
    public void MalformedPacket() => Interlocked.Increment(ref _malformedPackets);
    public void ProtocolError() => Interlocked.Increment(ref _protocolErrors);
    public void MessageReceived() => Interlocked.Increment(ref _messagesReceived);
    public void MessageDelivered() => Interlocked.Increment(ref _messagesDelivered);
    public void MessageDropped(DropReason reason) => Interlocked.Increment(ref _dropped[(int)reason]);
    public void MessageExpired() => MessageDropped(DropReason.Expired);
    public void PublishRefused() => Interlocked.Increment(ref _publishesRefused);
}
