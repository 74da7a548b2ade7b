using Broker.Core.Sessions;
using Broker.Host.Options;

namespace Broker.Host.Persistence;

/// <summary>The configured durability, as the sessions take it.</summary>
public static class PersistenceDurabilityMapping
{
    public static SessionDurability ToSessionDurability(this PersistenceDurability durability) => durability switch
    {
        PersistenceDurability.Sync => SessionDurability.Sync,
        PersistenceDurability.Periodic => SessionDurability.Periodic,
        PersistenceDurability.None => SessionDurability.None,
        _ => throw new ArgumentOutOfRangeException(nameof(durability), durability, null),
    };
}
