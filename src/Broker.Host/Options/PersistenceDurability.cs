namespace Broker.Host.Options;

/// <summary><c>persistence.durability</c>: when a QoS 1/2 message that must outlive a restart is acknowledged.</summary>
public enum PersistenceDurability
{
    /// <summary>After its effect is committed to storage.</summary>
    Sync,

    /// <summary>At once; storage is committed every <c>persistence.periodic_interval</c>, so a crash loses at most that window.</summary>
    Periodic,

    /// <summary>Memory only: nothing survives a restart.</summary>
    None,
}
