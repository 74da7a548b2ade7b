using Broker.Core.Messaging;

namespace Broker.Host.Options;

/// <summary>
/// <c>mqtt.shared_subscription_strategy</c> as operators write it, EMQX's names. Members are spelt
/// so that their snake_case is the configured word (<c>HashClientid</c> is <c>hash_clientid</c>).
/// </summary>
public enum SharedSubscriptionStrategyName
{
    /// <summary>A member chosen at random for each message.</summary>
    Random,

    /// <summary>Members in turn.</summary>
    RoundRobin,

    /// <summary>The member chosen first keeps receiving until it leaves the group.</summary>
    Sticky,

    /// <summary>The same publisher always reaches the same member while the group is unchanged.</summary>
    HashClientid,
}

public static class SharedSubscriptionStrategyNameExtensions
{
    public static SharedSubscriptionStrategy ToStrategy(this SharedSubscriptionStrategyName name) => name switch
    {
        SharedSubscriptionStrategyName.Random => SharedSubscriptionStrategy.Random,
        SharedSubscriptionStrategyName.RoundRobin => SharedSubscriptionStrategy.RoundRobin,
        SharedSubscriptionStrategyName.Sticky => SharedSubscriptionStrategy.Sticky,
        SharedSubscriptionStrategyName.HashClientid => SharedSubscriptionStrategy.HashClientId,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a shared subscription strategy"),
    };
}
