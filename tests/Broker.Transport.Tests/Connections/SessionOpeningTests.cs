using Broker.Actors;
using Broker.Actors.TestKit;
using Broker.Core.Sessions;
using Broker.Transport.Connections;

namespace Broker.Transport.Tests.Connections;

/// <summary>A connection's wait for its session, and the node's list of their timeouts, on the manual clock.</summary>
public sealed class SessionOpeningTests : ActorTestKit
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(30);

    private readonly SessionOpenTimeouts _timeouts;

    public SessionOpeningTests() => _timeouts = new SessionOpenTimeouts(Time, OpenTimeout);

    [Fact]
    public async Task The_sessions_answer_tells_the_owner_then_completes_with_true_and_leaves_no_timeout()
    {
        var owner = new Owner();
        var opening = new SessionOpening(Sys, _timeouts, owner);
        var session = CreateTestProbe("session").Ref;

        var opened = opening.Start();
        Assert.False(opened.IsCompleted);
        Assert.Equal(1, _timeouts.Count);
        opening.Tell(new SessionOpened(session, SessionPresent: false));

        Assert.True(await opened.AsTask().WaitAsync(DefaultTimeout));
        Assert.Same(session, owner.Session);
        Assert.Equal(0, _timeouts.Count);
        Time.Advance(OpenTimeout);
        Assert.Equal(0, owner.TimedOut);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_tells_the_owner_then_completes_with_false()
    {
        var owner = new Owner();
        var opening = new SessionOpening(Sys, _timeouts, owner);

        var opened = opening.Start();
        Time.Advance(OpenTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(opened.IsCompleted);
        Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(await opened.AsTask().WaitAsync(DefaultTimeout));
        Assert.Equal(1, owner.TimedOut);
        Assert.Equal(0, _timeouts.Count);
    }

    [Fact]
    public async Task An_answer_after_the_timeout_is_a_dead_letter_and_does_not_reach_the_owner()
    {
        var owner = new Owner();
        var opening = new SessionOpening(Sys, _timeouts, owner);
        var deadLetters = CreateTestProbe("dead-letters");
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var opened = opening.Start();
        Time.Advance(OpenTimeout);
        Assert.False(await opened.AsTask().WaitAsync(DefaultTimeout));

        opening.Tell(new SessionOpened(CreateTestProbe("late").Ref, SessionPresent: true));

        Assert.IsType<SessionOpened>(deadLetters.ExpectMsg<DeadLetter>().Message);
        Assert.Null(owner.Session);
    }

    [Fact]
    public void Waits_share_one_timer_and_expire_in_the_order_they_started_skipping_those_answered()
    {
        var owners = new[] { new Owner(), new Owner(), new Owner() };
        var openings = owners.Select(o => new SessionOpening(Sys, _timeouts, o)).ToArray();
        var timersBefore = Time.ActiveTimers;
        _ = openings[0].Start();
        Time.Advance(TimeSpan.FromSeconds(10));
        _ = openings[1].Start();
        _ = openings[2].Start();
        openings[1].Tell(new SessionOpened(CreateTestProbe("session").Ref, SessionPresent: false));
        Assert.Equal(timersBefore + 1, Time.ActiveTimers); // the list's one timer, armed for the first

        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal([1, 0, 0], owners.Select(o => o.TimedOut));
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 0, 1], owners.Select(o => o.TimedOut));
        Assert.Equal(0, _timeouts.Count);
    }

    private sealed class Owner : SessionOpening.IOwner
    {
        public IActorRef? Session { get; private set; }

        public int TimedOut { get; private set; }

        public void Opened(IActorRef session) => Session = session;

        public void OpenTimedOut(TimeSpan timeout) => TimedOut++;
    }
}
