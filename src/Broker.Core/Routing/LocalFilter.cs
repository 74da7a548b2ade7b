namespace Broker.Core.Routing;

/// <summary>
/// The local table's entry for one topic filter (shared prefix stripped): this node's plain
/// subscribers and its shared groups. Changed by the route table's writer under its lock; a publish
/// reads both arrays without a lock.
/// </summary>
internal sealed class LocalFilter(string filter)
{
    private LocalSubscription[] _subscribers = [];
    private SharedGroup[] _groups = [];

    public string Filter { get; } = filter;

    public LocalSubscription[] Subscribers => Volatile.Read(ref _subscribers);

    public SharedGroup[] Groups => Volatile.Read(ref _groups);

    /// <summary>Plain subscribers plus members of every group: the route exists while this is above 0. Writer only.</summary>
    public int Count { get; private set; }

    /// <summary>How many plain subscribers are durable sessions: this node's <see cref="DurableRoute"/> exists while this is above 0. Writer only.</summary>
    public int DurableSubscribers { get; private set; }

    /// <summary>How many plain subscribers (group null), or members of the group. Writer only.</summary>
    public int Population(string? group) => group is null ? _subscribers.Length : FindGroup(group)?.Members.Length ?? 0;

    public SharedGroup? FindGroup(string name) => Array.Find(Groups, g => g.Name == name);

    /// <summary>Returns true when the subscription is new, false when it replaced the client's options.</summary>
    public bool Upsert(LocalSubscription subscription)
    {
        bool added;
        if (subscription.ShareGroup is not { } groupName)
        {
            added = SubscriberArray.Upsert(ref _subscribers, subscription, out var replaced);
            DurableSubscribers += (subscription.Durable ? 1 : 0) - (replaced?.Durable == true ? 1 : 0);
        }
        else
        {
            var group = FindGroup(groupName);
            if (group is null)
            {
                group = new SharedGroup(groupName);
                group.Upsert(subscription);
                Volatile.Write(ref _groups, [.. _groups, group]);
                added = true;
            }
            else
            {
                added = group.Upsert(subscription);
            }
        }

        if (added)
        {
            Count++;
        }

        return added;
    }

    public bool Remove(string clientId, string? groupName)
    {
        bool removed;
        if (groupName is null)
        {
            var index = SubscriberArray.IndexOf(_subscribers, clientId);
            var wasDurable = index >= 0 && _subscribers[index].Durable;
            removed = SubscriberArray.Remove(ref _subscribers, clientId);
            DurableSubscribers -= wasDurable ? 1 : 0;
        }
        else
        {
            var group = FindGroup(groupName);
            removed = group is not null && group.Remove(clientId);
            if (removed && group!.Members.Length == 0)
            {
                Volatile.Write(ref _groups, Array.FindAll(_groups, g => g != group));
            }
        }

        if (removed)
        {
            Count--;
        }

        return removed;
    }
}
