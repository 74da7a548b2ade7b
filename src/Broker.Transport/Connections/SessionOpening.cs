using System.Threading.Tasks.Sources;
using Broker.Actors;
using Broker.Core.Sessions;

namespace Broker.Transport.Connections;

/// <summary>
/// A connection waiting for its session: the sender of its <see cref="OpenSession"/>, to which the session answers
/// <see cref="SessionOpened"/>, and the task the read loop awaits. It does what an <c>Ask</c> did for a fraction of
/// the cost to the connection rate: no promise actor with its path, no timer, closure and scheduler entry per
/// connection (the timeout is on the node's <see cref="SessionOpenTimeouts"/> list), no task or async state machine
/// of its own. Made per CONNECT and dropped once answered: an idle connection does not hold it.
/// </summary>
internal sealed class SessionOpening : IActorRef, IValueTaskSource<bool>, IIntrusiveNode<SessionOpening>
{
    private const int Waiting = 0;
    private const int Answered = 1;
    private const int TimedOut = 2;

    private readonly ActorSystem _system;
    private readonly SessionOpenTimeouts _timeouts;
    private readonly IOwner _owner;

    // The read loop resumes on the thread pool, not on the session's thread that answers nor on the timer's.
    private ManualResetValueTaskSourceCore<bool> _completion = new() { RunContinuationsAsynchronously = true };
    private int _state;

    public SessionOpening(ActorSystem system, SessionOpenTimeouts timeouts, IOwner owner)
    {
        _system = system;
        _timeouts = timeouts;
        _owner = owner;
    }

    /// <summary>The waiting connection. An interface rather than delegates: no object per connection for them.</summary>
    public interface IOwner
    {
        /// <summary>The session serves the connection now; called before the wait completes with true.</summary>
        void Opened(IActorRef session);

        /// <summary>No answer came in time; called on a timer thread, before the wait may complete with false.</summary>
        void OpenTimedOut(TimeSpan timeout);
    }

    /// <summary>Made only when asked (a dead letter, a log line): nothing sends to this reference by its path.</summary>
    public ActorPath Path => ActorPath.Root(_system.Address).Child("temp").Child("session-opening");

    // Due time and links in the timeouts' list, guarded by its lock.
    internal long DueMs { get; set; }

    SessionOpening? IIntrusiveNode<SessionOpening>.Previous { get; set; }

    SessionOpening? IIntrusiveNode<SessionOpening>.Next { get; set; }

    /// <summary>Starts the timeout and returns what completes with true once the session answered, false when it did not in time.</summary>
    public ValueTask<bool> Start()
    {
        _timeouts.Add(this);
        return new ValueTask<bool>(this, _completion.Version);
    }

    /// <summary>The session's answer; anything after the first message, or after the timeout, is a dead letter.</summary>
    public void Tell(object message, IActorRef? sender = null)
    {
        if (message is SessionOpened opened && Interlocked.CompareExchange(ref _state, Answered, Waiting) == Waiting)
        {
            _timeouts.Remove(this);
            _owner.Opened(opened.Session);
            _completion.SetResult(true);
            return;
        }

        _system.DeadLetters.Tell(message, sender);
    }

    /// <summary>
    /// The timeout passed. The owner is told first (the connection closes), and only then may no answer win: so a
    /// session that answers after this sees its connection closed and does not stay attached to it.
    /// </summary>
    internal void TimeOut()
    {
        if (Volatile.Read(ref _state) != Waiting)
        {
            return;
        }

        _owner.OpenTimedOut(_timeouts.After);
        if (Interlocked.CompareExchange(ref _state, TimedOut, Waiting) == Waiting)
        {
            _completion.SetResult(false);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);

    public override string ToString() => $"session opening for {_owner}";
}
