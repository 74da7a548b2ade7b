namespace Broker.Transport.Sessions.Journal;

/// <summary>Where <see cref="SessionState"/>'s mutators report the changes of a durable session; the actor persists them.</summary>
public interface ISessionJournal
{
    void Record(SessionEvent @event);
}
