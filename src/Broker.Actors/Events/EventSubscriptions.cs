using System.Collections.Concurrent;

namespace Broker.Actors;

/// <summary>
/// One immutable state of an <see cref="EventStream"/>'s subscriptions. The cache of resolved
/// subscribers per event type belongs to the snapshot rather than to the stream: a publisher still
/// holding an old snapshot can then only fill the old snapshot's cache, so no stale array can
/// outlive a change, and invalidation is nothing more than swapping the snapshot.
/// </summary>
internal sealed class EventSubscriptions
{
    public static readonly EventSubscriptions Empty = new([]);

    // A flat array: a system has tens of subscriptions, and they are scanned only once per event type.
    private readonly Subscription[] _entries;
    private readonly ConcurrentDictionary<Type, IActorRef[]> _resolved = new();

    private EventSubscriptions(Subscription[] entries) => _entries = entries;

    public IActorRef[] SubscribersOf(Type eventType) =>
        _resolved.TryGetValue(eventType, out var subscribers)
            ? subscribers
            : _resolved.GetOrAdd(eventType, static (type, self) => self.Resolve(type), this);

    /// <returns>null when the subscription exists already.</returns>
    public EventSubscriptions? With(IActorRef subscriber, Type channel)
    {
        var entry = new Subscription(subscriber, channel);
        return Array.IndexOf(_entries, entry) >= 0 ? null : new EventSubscriptions([.. _entries, entry]);
    }

    /// <returns>null when there is no such subscription.</returns>
    public EventSubscriptions? Without(IActorRef subscriber, Type channel)
    {
        var index = Array.IndexOf(_entries, new Subscription(subscriber, channel));
        return index < 0 ? null : new EventSubscriptions([.. _entries.AsSpan(0, index), .. _entries.AsSpan(index + 1)]);
    }

    /// <returns>null when the subscriber has no subscription.</returns>
    public EventSubscriptions? Without(IActorRef subscriber)
    {
        var kept = Array.FindAll(_entries, entry => !EqualityComparer<IActorRef>.Default.Equals(entry.Subscriber, subscriber));
        return kept.Length == _entries.Length ? null : new EventSubscriptions(kept);
    }

    /// <summary>Each matching subscriber once, in the order of its first matching subscription.</summary>
    private IActorRef[] Resolve(Type eventType)
    {
        var matched = new List<IActorRef>();
        foreach (var entry in _entries)
        {
            if (entry.Channel.IsAssignableFrom(eventType) && !matched.Contains(entry.Subscriber))
            {
                matched.Add(entry.Subscriber);
            }
        }

        return [.. matched];
    }

    private readonly record struct Subscription(IActorRef Subscriber, Type Channel);
}
