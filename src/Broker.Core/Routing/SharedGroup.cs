namespace Broker.Core.Routing;

/// <summary>
/// The local members of one shared subscription group on one filter, and the state the member
/// choice keeps between messages. Members are changed by the route table's writer only; the choice
/// state is changed by publishers with interlocked operations.
/// </summary>
internal sealed class SharedGroup(string name)
{
    private LocalSubscription[] _members = [];
    private int _nextIndex = -1;
    private string? _stickyClientId;

    public string Name { get; } = name;

    public LocalSubscription[] Members => Volatile.Read(ref _members);

    /// <summary>The round-robin counter: each call returns the next number.</summary>
    public int NextIndex() => Interlocked.Increment(ref _nextIndex);

    public string? StickyClientId => Volatile.Read(ref _stickyClientId);

    /// <summary>Makes <paramref name="clientId"/> the sticky member if it is still <paramref name="expected"/>; false when another publisher changed it first.</summary>
    public bool TryStick(string clientId, string? expected) =>
        ReferenceEquals(Interlocked.CompareExchange(ref _stickyClientId, clientId, expected), expected);

    public bool Upsert(LocalSubscription member) => SubscriberArray.Upsert(ref _members, member);

    /// <summary>A member that leaves stops being the sticky one.</summary>
    public bool Remove(string clientId)
    {
        if (!SubscriberArray.Remove(ref _members, clientId))
        {
            return false;
        }

        Interlocked.CompareExchange(ref _stickyClientId, null, clientId);
        return true;
    }
}
