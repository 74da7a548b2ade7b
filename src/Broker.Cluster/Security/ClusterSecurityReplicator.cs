using Akka.Actor;
using Broker.Cluster.Security;
using Broker.Core.Security.Records;

namespace Broker.Cluster;

/// <summary>
/// The <see cref="ISecurityReplication"/> of a cluster: this node's user and ban changes go to Akka.DistributedData,
/// the other nodes' come back into the <see cref="SecurityStore"/> given to <see cref="Attach"/>. The calls only tell
/// the actor, so they never block the store's lock.
/// </summary>
public sealed class ClusterSecurityReplicator : ISecurityReplication
{
    private readonly IActorRef _actor;

    internal ClusterSecurityReplicator(IActorRef actor) => _actor = actor;

    /// <summary>Where other nodes' records are applied; this node's records are published to the cluster first. Call once.</summary>
    public void Attach(SecurityStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _actor.Tell(new SecurityReplicatorActor.Attach(store));
        store.Attach(this);
    }

    public void Publish(SecurityRecord record) => _actor.Tell(new SecurityReplicatorActor.Publish(record));
}
