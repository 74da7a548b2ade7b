namespace Broker.Actors;

/// <summary>
/// The actor system's publish/subscribe bus for system events: dead letters, lifecycle, and cluster
/// events later. A subscriber names a channel type and receives every event whose runtime type is
/// assignable to it, so a subscriber to <see cref="object"/> receives everything, and one that
/// subscribed to both a base and a derived type still receives each event once.
/// </summary>
/// <remarks>
/// Publishing is the hot path (dead letters can come in floods) and subscribing is rare, so the
/// subscriptions are an immutable snapshot replaced by compare-and-swap: <see cref="Publish"/> takes
/// no lock and, once each event type has been seen, allocates nothing. A publish that races with an
/// unsubscribe may still deliver to the subscriber that is leaving, as with any asynchronous send.
/// Dead subscribers are not removed automatically yet: that needs death watch.
/// </remarks>
public sealed class EventStream
{
    private EventSubscriptions _subscriptions = EventSubscriptions.Empty;

    /// <returns>false when the subscriber was already subscribed to exactly this channel.</returns>
    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        return Update(static (current, change) => current.With(change.subscriber, change.channel), (subscriber, channel));
    }

    /// <returns>false when the subscriber was not subscribed to exactly this channel.</returns>
    public bool Unsubscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        return Update(static (current, change) => current.Without(change.subscriber, change.channel), (subscriber, channel));
    }

    /// <summary>Removes the subscriber from every channel.</summary>
    public void Unsubscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        Update(static (current, subscriber) => current.Without(subscriber), subscriber);
    }

    /// <summary>Tells the event, with no sender, to every subscriber of a channel it is assignable to.</summary>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var subscribers = Volatile.Read(ref _subscriptions).SubscribersOf(@event.GetType());
        foreach (var subscriber in subscribers)
        {
            subscriber.Tell(@event);
        }
    }

    /// <summary>Applies a change that answers null when there is nothing to change.</summary>
    private bool Update<TArg>(Func<EventSubscriptions, TArg, EventSubscriptions?> change, TArg arg)
    {
        while (true)
        {
            var current = Volatile.Read(ref _subscriptions);
            var next = change(current, arg);
            if (next is null)
            {
                return false;
            }

            if (ReferenceEquals(Interlocked.CompareExchange(ref _subscriptions, next, current), current))
            {
                return true;
            }
        }
    }
}
