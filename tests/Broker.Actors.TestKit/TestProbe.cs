using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Sdk;

namespace Broker.Actors.TestKit;

/// <summary>
/// An actor whose mailbox a test reads: it records every message with its sender, and the Expect
/// methods wait for them (up to a timeout, never longer than an enclosing <see cref="Within{T}"/>).
/// Being a real actor, it can watch other actors and be watched.
/// </summary>
public sealed class TestProbe
{
    private readonly BlockingCollection<Envelope> _received = [];
    private readonly TimeSpan _defaultTimeout;
    private readonly AsyncLocal<long?> _deadline = new();

    public TestProbe(ActorSystem system, TimeSpan defaultTimeout, string? name = null)
    {
        _defaultTimeout = defaultTimeout;
        Ref = system.ActorOf(Props.Create(() => new ProbeActor(_received)), name);
    }

    public IActorRef Ref { get; }

    public IActorRef? LastSender { get; private set; }

    /// <summary>Sends with this probe as the sender, so replies come back here.</summary>
    public void Send(IActorRef target, object message) => target.Tell(message, Ref);

    /// <summary>Answers the sender of the last message received.</summary>
    public void Reply(object message) =>
        (LastSender ?? throw new InvalidOperationException("No message has been received, so there is nobody to reply to.")).Tell(message, Ref);

    public void Forward(IActorRef target) => target.Tell(Last, LastSender);

    private object Last { get; set; } = new();

    /// <summary>Watches <paramref name="actor"/>; returns once the watch is in place.</summary>
    public void Watch(IActorRef actor)
    {
        var done = new ManualResetEventSlim();
        Ref.Tell(new ProbeActor.WatchCommand(actor, done));
        if (!done.Wait(_defaultTimeout))
        {
            throw new XunitException($"The probe did not manage to watch {actor.Path} within {_defaultTimeout}.");
        }
    }

    public object ReceiveOne(TimeSpan? timeout = null)
    {
        var wait = Remaining(timeout);
        if (!_received.TryTake(out var envelope, wait))
        {
            throw new XunitException($"No message arrived within {wait}.");
        }

        LastSender = envelope.Sender;
        Last = envelope.Message;
        return envelope.Message;
    }

    public T ExpectMsg<T>(TimeSpan? timeout = null)
    {
        var message = ReceiveOne(timeout);
        return message is T typed
            ? typed
            : throw new XunitException($"Expected a {typeof(T).Name}, received {Describe(message)}.");
    }

    public T ExpectMsg<T>(Func<T, bool> predicate, TimeSpan? timeout = null, string? hint = null)
    {
        var message = ExpectMsg<T>(timeout);
        return predicate(message)
            ? message
            : throw new XunitException($"Received {Describe(message)}, which is not what was expected{(hint is null ? "" : ": " + hint)}.");
    }

    /// <summary>Expects a message equal to <paramref name="expected"/> (records compare by value).</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null)
        where T : notnull
    {
        var message = ExpectMsg<T>(timeout);
        return Equals(message, expected)
            ? message
            : throw new XunitException($"Expected {Describe(expected)}, received {Describe(message)}.");
    }

    /// <summary>Checks that nothing arrives for <paramref name="duration"/>: the one wait that must run its course.</summary>
    public void ExpectNoMsg(TimeSpan duration)
    {
        if (_received.TryTake(out var envelope, Remaining(duration)))
        {
            throw new XunitException($"Expected no message, received {Describe(envelope.Message)} from {envelope.Sender?.Path.ToString() ?? "no sender"}.");
        }
    }

    /// <summary>Skips messages until one of type <typeparamref name="T"/> satisfies <paramref name="predicate"/>.</summary>
    public T FishForMessage<T>(Func<T, bool> predicate, TimeSpan? timeout = null)
    {
        var wait = Remaining(timeout);
        var clock = Stopwatch.StartNew();
        var skipped = new List<string>();
        while (true)
        {
            var left = wait - clock.Elapsed;
            if (left <= TimeSpan.Zero || !_received.TryTake(out var envelope, left))
            {
                throw new XunitException($"No matching {typeof(T).Name} within {wait}; skipped: {string.Join(", ", skipped)}.");
            }

            LastSender = envelope.Sender;
            Last = envelope.Message;
            if (envelope.Message is T typed && predicate(typed))
            {
                return typed;
            }

            skipped.Add(Describe(envelope.Message));
        }
    }

    /// <summary>Expects the <see cref="Terminated"/> of an actor this probe watches.</summary>
    public Terminated ExpectTerminated(IActorRef actor, TimeSpan? timeout = null) =>
        ExpectMsg<Terminated>(t => ReferenceEquals(t.Actor, actor), timeout, $"Terminated of {actor.Path}");

    /// <summary>
    /// Runs <paramref name="action"/>, whose expectations together may take at most <paramref name="max"/>,
    /// and fails if it took longer.
    /// </summary>
    public T Within<T>(TimeSpan max, Func<T> action)
    {
        var clock = Stopwatch.StartNew();
        var outer = _deadline.Value;
        var deadline = Environment.TickCount64 + (long)max.TotalMilliseconds;
        _deadline.Value = outer is { } o ? Math.Min(o, deadline) : deadline;
        try
        {
            var result = action();
            if (clock.Elapsed > max)
            {
                throw new XunitException($"The block took {clock.Elapsed}, more than {max}.");
            }

            return result;
        }
        finally
        {
            _deadline.Value = outer;
        }
    }

    public void Within(TimeSpan max, Action action) => Within(max, () =>
    {
        action();
        return true;
    });

    private TimeSpan Remaining(TimeSpan? timeout)
    {
        var wait = timeout ?? _defaultTimeout;
        if (_deadline.Value is { } deadline)
        {
            var left = TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));
            return left < wait ? left : wait;
        }

        return wait;
    }

    private static string Describe(object? message) => message is null ? "null" : $"{message.GetType().Name} {message}";

    private sealed class ProbeActor(BlockingCollection<Envelope> received) : ActorBase
    {
        protected override void Receive(object message)
        {
            if (message is WatchCommand watch)
            {
                Context.Watch(watch.Target);
                watch.Done.Set();
                return;
            }

            received.Add(new Envelope(message, Sender));
        }

        internal sealed record WatchCommand(IActorRef Target, ManualResetEventSlim Done);
    }
}
