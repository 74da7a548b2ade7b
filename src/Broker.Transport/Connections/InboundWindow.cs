using Broker.Core.Messaging;

namespace Broker.Transport.Connections;

/// <summary>
/// Inbound flow control (<see cref="IInboundCredit"/>): how many messages read from this connection are still
/// waiting in a session's mailbox, its own session's or a subscriber's. Above <c>high</c> the read loop stops
/// reading until the sessions are back down to <c>low</c>, so that a publisher faster than the broker fills its TCP window, as it does against a
/// single-threaded broker, instead of filling mailboxes and the thread pool's queues with work that the
/// subscribers' writers then wait behind. The gap between the marks lets the reader resume once per
/// <c>high - low</c> messages rather than once per message.
/// <para>
/// One reader (the connection's read loop) calls <see cref="Add"/> and <see cref="WaitAsync"/>; sessions call
/// <see cref="Take"/> and <see cref="Return"/> from their own threads; <see cref="Open"/> releases the reader
/// for good when the connection closes, since a session that is gone may never hand its credits back.
/// </para>
/// </summary>
internal sealed class InboundWindow : IInboundCredit
{
    private readonly int _high;
    private readonly int _low;
    private int _inFlight;
    private int _open;
    private TaskCompletionSource? _resume;

    public InboundWindow(int high, int low)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(low);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(high, low);
        _high = high;
        _low = low;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes one credit for a PUBLISH told to the session; true when the reader is to <see cref="WaitAsync"/> before the next.</summary>
    public bool Add() => Interlocked.Increment(ref _inFlight) >= _high && Volatile.Read(ref _open) == 0;

    public void Take(int count) => Interlocked.Add(ref _inFlight, count);

    /// <summary>One was handled; the return that brings the count down to the low mark resumes the reader.</summary>
    public void Return()
    {
        // Takes only add, so the count falls through every value: a decrement always sees the low mark on its way down.
        if (Interlocked.Decrement(ref _inFlight) == _low)
        {
            Volatile.Read(ref _resume)?.TrySetResult();
        }
    }

    /// <summary>Completes once the session is down to the low mark, or the window is opened.</summary>
    public Task WaitAsync()
    {
        // Asynchronous continuations: the reader must not run on the session's turn.
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Exchange, a full fence: either Return, which decrements before it reads _resume, sees this one,
        // or the count read below already shows its decrement.
        Interlocked.Exchange(ref _resume, resume);
        if (Volatile.Read(ref _inFlight) <= _low || Volatile.Read(ref _open) == 1)
        {
            resume.TrySetResult();
        }

        return resume.Task;
    }

    /// <summary>The connection is closing: the reader never waits again.</summary>
    public void Open()
    {
        Interlocked.Exchange(ref _open, 1);
        Volatile.Read(ref _resume)?.TrySetResult();
    }
}
