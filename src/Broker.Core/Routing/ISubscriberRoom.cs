namespace Broker.Core.Routing;

/// <summary>
/// Read by the dispatcher on every publish, from any thread: whether a subscriber's session has room for one more
/// QoS 1/2 message. A hint, written by the session after each of its turns: a publish routed while it is
/// full makes its acknowledgement wait for the subscriber (<see cref="Deliver.Admission"/>); one that reads a
/// stale value only decides whether its PUBACK waits, never whether the message is kept (ARCHITECTURE.md, "Overload").
/// </summary>
public interface ISubscriberRoom
{
    bool IsFull { get; }
}
