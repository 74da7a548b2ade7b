using System.Diagnostics;
using Broker.Actors.TestKit;
using Xunit.Sdk;

namespace Broker.Actors.Tests.TestKit;

/// <summary>The probe's expectations pass when they should and, above all, fail when they should.</summary>
public sealed class TestProbeTests : ActorTestKit
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void ExpectMsg_returns_the_message_and_remembers_its_sender()
    {
        var other = CreateTestProbe("other");

        other.Send(TestActor.Ref, "hello");

        Assert.Equal("hello", ExpectMsg<string>());
        Assert.Same(other.Ref, TestActor.LastSender);
    }

    [Fact]
    public void ExpectMsg_fails_when_nothing_arrives_in_time()
    {
        var clock = Stopwatch.StartNew();

        Assert.Throws<XunitException>(() => ExpectMsg<string>(Short));

        Assert.True(clock.Elapsed < DefaultTimeout, $"ExpectMsg waited {clock.Elapsed}, not the {Short} it was given.");
    }

    [Fact]
    public void ExpectMsg_fails_on_a_message_of_another_type()
    {
        TestActor.Ref.Tell(42);

        var failure = Assert.Throws<XunitException>(() => ExpectMsg<string>());

        Assert.Contains("Int32 42", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_of_a_value_fails_on_a_different_value()
    {
        TestActor.Ref.Tell("actual");

        var failure = Assert.Throws<XunitException>(() => ExpectMsg("expected"));

        Assert.Contains("actual", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectMsg_with_a_predicate_fails_when_the_predicate_does_not_hold()
    {
        TestActor.Ref.Tell(3);

        Assert.Throws<XunitException>(() => TestActor.ExpectMsg<int>(n => n % 2 == 0, hint: "an even number"));
    }

    [Fact]
    public void ExpectNoMsg_passes_when_nothing_arrives()
    {
        ExpectNoMsg(Short);
    }

    [Fact]
    public void ExpectNoMsg_fails_when_a_message_arrives()
    {
        TestActor.Ref.Tell("unexpected");

        var failure = Assert.Throws<XunitException>(() => ExpectNoMsg(DefaultTimeout));

        Assert.Contains("unexpected", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FishForMessage_skips_messages_until_one_matches_and_consumes_the_skipped_ones()
    {
        foreach (var message in new object[] { 1, "skip me", 2, "wanted", "after" })
        {
            TestActor.Ref.Tell(message);
        }

        Assert.Equal("wanted", TestActor.FishForMessage<string>(s => s.StartsWith('w')));
        ExpectMsg("after");
    }

    [Fact]
    public void FishForMessage_fails_when_nothing_matches_in_time_and_names_what_it_skipped()
    {
        TestActor.Ref.Tell("not it");
        HandledEverythingToldSoFar(TestActor);

        var failure = Assert.Throws<XunitException>(() => TestActor.FishForMessage<int>(_ => true, Short));

        Assert.Contains("not it", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Within_returns_the_result_of_a_block_that_finishes_in_time()
    {
        TestActor.Ref.Tell("quick");

        Assert.Equal("quick", TestActor.Within(DefaultTimeout, () => ExpectMsg<string>()));
    }

    [Fact]
    public void Within_fails_when_the_block_takes_longer()
    {
        var slow = CreateTestProbe("slow");

        // The other probe knows nothing of this Within, so its wait runs its full course.
        var failure = Assert.Throws<XunitException>(() => TestActor.Within(TimeSpan.FromMilliseconds(50), () => slow.ExpectNoMsg(TimeSpan.FromMilliseconds(200))));

        Assert.Contains("more than", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Within_bounds_the_expectations_inside_it()
    {
        var clock = Stopwatch.StartNew();

        Assert.Throws<XunitException>(() => TestActor.Within(Short, () => ExpectMsg<string>(DefaultTimeout)));

        Assert.True(clock.Elapsed < DefaultTimeout, $"The expectation waited {clock.Elapsed}, beyond the enclosing Within of {Short}.");
    }

    [Fact]
    public void ExpectTerminated_passes_for_a_watched_actor_that_stops()
    {
        var other = CreateTestProbe("other");
        Watch(other.Ref);

        Sys.Stop(other.Ref);

        Assert.Same(other.Ref, ExpectTerminated(other.Ref).Actor);
    }

    [Fact]
    public void ExpectTerminated_fails_on_the_Terminated_of_another_actor()
    {
        var stopped = CreateTestProbe("stopped");
        var alive = CreateTestProbe("alive");
        Watch(stopped.Ref);

        Sys.Stop(stopped.Ref);

        Assert.Throws<XunitException>(() => ExpectTerminated(alive.Ref));
    }

    [Fact]
    public void ExpectTerminated_fails_on_any_other_message()
    {
        var other = CreateTestProbe("other");
        TestActor.Ref.Tell("not a Terminated");

        Assert.Throws<XunitException>(() => ExpectTerminated(other.Ref));
    }

    [Fact]
    public void Reply_answers_the_sender_of_the_last_message()
    {
        var other = CreateTestProbe("other");
        other.Send(TestActor.Ref, "question");
        ExpectMsg("question");

        TestActor.Reply("answer");

        Assert.Equal("answer", other.ExpectMsg<string>());
        Assert.Same(TestActor.Ref, other.LastSender);
    }

    [Fact]
    public void Reply_before_any_message_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => TestActor.Reply("to nobody"));
    }

    /// <summary>
    /// Returns once <paramref name="probe"/>'s actor has taken in every message told to it before: Watch
    /// goes through the same mailbox and returns only when the actor has handled it.
    /// </summary>
    private void HandledEverythingToldSoFar(TestProbe probe) => probe.Watch(CreateTestProbe().Ref);

    [Fact]
    public void Forward_keeps_the_original_sender()
    {
        var origin = CreateTestProbe("origin");
        var target = CreateTestProbe("target");
        origin.Send(TestActor.Ref, "pass it on");
        ExpectMsg("pass it on");

        TestActor.Forward(target.Ref);

        Assert.Equal("pass it on", target.ExpectMsg<string>());
        Assert.Same(origin.Ref, target.LastSender);
    }
}
