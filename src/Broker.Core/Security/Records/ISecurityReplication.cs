namespace Broker.Core.Security.Records;

/// <summary>Carries a <see cref="SecurityStore"/>'s changes to the other nodes of a cluster, which apply them with <see cref="SecurityStore.ApplyReplicated"/>.</summary>
public interface ISecurityReplication
{
    /// <summary>Spreads a record; does not block (the cluster takes it in the background).</summary>
    void Publish(SecurityRecord record);
}
