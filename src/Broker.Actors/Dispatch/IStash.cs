namespace Broker.Actors;

/// <summary>
/// Messages an actor is not ready for yet (a session waiting for its state to load), set aside in order
/// and put back at the front of the mailbox later. Stashed messages survive a restart: they go back to
/// the mailbox before the new instance starts; those still stashed when the actor stops go to dead letters.
/// </summary>
public interface IStash
{
    int Count { get; }

    /// <summary>Sets the message being processed aside.</summary>
    void Stash();

    /// <summary>Puts every stashed message back at the front of the mailbox, oldest first.</summary>
    void UnstashAll();

    /// <summary>Forgets the stashed messages; they go to dead letters.</summary>
    void Clear();
}
