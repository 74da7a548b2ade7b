namespace Broker.Actors;

public static class ActorRefExtensions
{
    /// <summary>
    /// For the I/O edges (a connection's read loop): sends <paramref name="message"/> and, when the actor is idle,
    /// runs its turn on the calling thread at once instead of queuing it to the thread pool, where another thread
    /// would have to wake up for it while this one goes back to wait on its socket. A message for a busy actor,
    /// and a call from inside an actor's own run (which would nest one actor's turn in another's), is an ordinary
    /// <see cref="IActorRef.Tell"/>. The caller's thread is taken for up to one run (<c>throughput</c> messages);
    /// it must be a thread that may do the actor's work, never one an actor waits for.
    /// </summary>
    public static void TellAndRun(this IActorRef actor, object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is ActorCell cell)
        {
            cell.TellAndRun(message, sender);
        }
        else
        {
            actor.Tell(message, sender);
        }
    }
}
