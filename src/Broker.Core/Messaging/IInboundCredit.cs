namespace Broker.Core.Messaging;

/// <summary>
/// Inbound flow control across the whole path of a publish: the connection that read a PUBLISH takes one
/// credit for the <c>ClientPublish</c> it tells its session, the router one more for every <c>Deliver</c>
/// it tells a subscriber's session, and each session returns one when it has handled the message. The
/// connection stops reading while too many are out, so a subscriber's session that cannot keep up with
/// many publishers (fan-in) slows the publishers down through TCP, as a single-threaded broker does,
/// instead of growing its mailbox without bound.
/// </summary>
public interface IInboundCredit
{
    /// <summary>Takes <paramref name="count"/> more credits, before the messages they stand for are told.</summary>
    void Take(int count);

    /// <summary>Returns one credit: its message was handled, ignored, or reached no actor.</summary>
    void Return();
}
