using Broker.Core.Messaging;

namespace Broker.Cluster.Delivery;

/// <summary>A message waiting in a <see cref="NodeLink"/> for its batch, with what the sender gives back once the node answers.</summary>
/// <param name="Credit">One of the publisher's credits, taken when it was queued.</param>
/// <param name="Commit">The publish's commit, joined when it was queued (QoS 1/2); null when nobody waits.</param>
/// <param name="Durable">The commit waits for durable subscribers there (<see cref="Core.Routing.DurableRoute"/>): never abandoned, only failed.</param>
internal sealed record PendingForward(ApplicationMessage Message, string[]? Groups, IInboundCredit? Credit, PublishCommit? Commit, bool Durable)
{
    /// <summary>Never sent (the node stalled or was removed): its credit back, its commit given up (<see cref="NodeSender.GiveUp"/>).</summary>
    public void GiveUp()
    {
        Credit?.Return();
        if (Commit is { } commit)
        {
            NodeSender.GiveUp(commit, Durable);
        }
    }
}
