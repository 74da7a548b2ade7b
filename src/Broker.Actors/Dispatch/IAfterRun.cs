namespace Broker.Actors;

/// <summary>Work an actor's turn leaves for the end of its run, on the same thread (see <see cref="AfterRun"/>).</summary>
public interface IAfterRun
{
    /// <param name="actorIdle">
    /// The actor's mailbox was empty when its run ended: no further run of it follows at once. Work that pays off
    /// in batches may wait for a later run while the actor is busy, or run beside it on another thread.
    /// </param>
    void RunAfter(bool actorIdle);
}
