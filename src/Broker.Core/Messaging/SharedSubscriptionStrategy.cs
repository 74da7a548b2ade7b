namespace Broker.Core.Messaging;

/// <summary>How one member of a shared subscription group is chosen for each message (EMQX's names).</summary>
public enum SharedSubscriptionStrategy
{
    Random,
    RoundRobin,
    /// <summary>The member chosen first keeps receiving until it leaves the group.</summary>
    Sticky,
    /// <summary>The same publisher always reaches the same member while the group is unchanged.</summary>
    HashClientId,
}
