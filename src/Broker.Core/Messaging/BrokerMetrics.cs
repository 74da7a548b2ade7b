using Broker.Mqtt;

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
    private readonly long[] _received = new long[3];
    private readonly long[] _delivered = new long[3];
    private readonly long[] _dropped = new long[DropReasons.All.Count];
    private long _publishesRefused;
    private int _sessions;

    public long ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);
    public long ConnectionsRefused => Volatile.Read(ref _connectionsRefused);
    public long MalformedPackets => Volatile.Read(ref _malformedPackets);
    public long ProtocolErrors => Volatile.Read(ref _protocolErrors);
    /// <summary>PUBLISH packets clients sent, of every QoS (EMQX's <c>messages.received</c>).</summary>
    public long MessagesReceived => Received(QualityOfService.AtMostOnce) + Received(QualityOfService.AtLeastOnce) + Received(QualityOfService.ExactlyOnce);

    /// <summary>PUBLISH packets sent to clients, of every QoS (EMQX's <c>messages.sent</c>).</summary>
    public long MessagesDelivered => Delivered(QualityOfService.AtMostOnce) + Delivered(QualityOfService.AtLeastOnce) + Delivered(QualityOfService.ExactlyOnce);

    public long Received(QualityOfService qos) => Volatile.Read(ref _received[(int)qos]);

    /// <param name="qos">The QoS it was sent with: the lower of the publisher's and the subscription's.</param>
    public long Delivered(QualityOfService qos) => Volatile.Read(ref _delivered[(int)qos]);

    /// <summary>Sessions on this node, connected or not (EMQX's <c>sessions.count</c>), as the session registry last said.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

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
    public void MessageReceived(QualityOfService qos) => Interlocked.Increment(ref _received[(int)qos]);
    public void MessageDelivered(QualityOfService qos) => Interlocked.Increment(ref _delivered[(int)qos]);
    public void MessageDropped(DropReason reason) => Interlocked.Increment(ref _dropped[(int)reason]);
    public void MessageExpired() => MessageDropped(DropReason.Expired);
    public void PublishRefused() => Interlocked.Increment(ref _publishesRefused);

    /// <summary>The session registry's count after each session it adds or removes: read, not counted, by whoever reports it.</summary>
    public void SessionsChanged(int count) => Volatile.Write(ref _sessions, count);
}
