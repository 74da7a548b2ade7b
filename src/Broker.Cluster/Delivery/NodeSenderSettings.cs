namespace Broker.Cluster.Delivery;

/// <summary>How a <see cref="NodeSender"/> batches and when it gives up waiting.</summary>
/// <param name="Receiver">The other node's <see cref="ForwardReceiver"/>.</param>
/// <param name="StallTimeout">How long the node may answer nothing while messages wait for it before the sender gives
/// their credits and acknowledgements back, as a stalled local subscriber's are (mqtt.slow_subscriber_timeout).</param>
/// <param name="Holds">Where the acknowledgements held for the node's durable sessions go when it is removed.</param>
internal sealed record NodeSenderSettings(Akka.Actor.IActorRef Receiver, TimeSpan StallTimeout, AdoptionHolds Holds)
{
    /// <summary>At most this many messages a batch: a batch is one remoting message and one turn of the receiver.</summary>
    public int MaxItems { get; init; } = 256;

    /// <summary>A batch is closed once its messages reach this size (a larger message goes alone), far below the frame.</summary>
    public int MaxBytes { get; init; } = 64 * 1024;

    /// <summary>Batches sent and not yet answered: what bounds the data on the wire and in the other node's mailbox.</summary>
    public int Window { get; init; } = 64;
}
