namespace Broker.Actors;

/// <summary>
/// The only handle code has on an actor. Sending is all it offers: whether the actor lives in this
/// process or, later, on another node is the reference's business, never the sender's, so code written
/// against this interface keeps working when sessions move across the cluster. Messages must therefore
/// be immutable and serializable (sealed records of plain data and references).
/// </summary>
public interface IActorRef
{
    ActorPath Path { get; }

    /// <summary>Fire and forget: never blocks, never throws.</summary>
    void Tell(object message, IActorRef? sender = null);
}
