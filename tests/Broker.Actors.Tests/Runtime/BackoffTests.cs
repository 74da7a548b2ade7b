using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>
/// Restart with back-off: the failed child stays suspended, keeping its mailbox, until the delay has
/// passed on the system's clock; consecutive restarts double the delay up to the maximum.
/// </summary>
public sealed class BackoffTests : ActorTestKit
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private readonly TestProbe _decisions;
    private readonly TestProbe _worker;
    private readonly IActorRef _supervisor;
    private readonly IActorRef _child;

    public BackoffTests()
    {
        _decisions = CreateTestProbe("decisions");
        _worker = CreateTestProbe("worker");
        var strategy = new OneForOneStrategy(
            Supervisor.Reporting(_decisions.Ref, Directive.Restart), backoff: new BackoffOptions(Min, Max, RandomFactor: 0));
        _supervisor = Sys.ActorOf(Supervisor.PropsWith(strategy), "supervisor");
        _child = Supervisor.Spawn(TestActor, _supervisor, Worker.PropsFor(_worker.Ref), "child");
        _worker.ExpectMsg(new Hook("PreStart", 1));
    }

    [Fact]
    public void The_child_processes_nothing_until_the_back_off_has_passed_and_then_everything_sent_meanwhile()
    {
        FailAndAwaitTheBackoffTimer();
        _child.Tell("a");
        _child.Tell("b");

        Time.Advance(Min - Tick);
        _child.Tell("c");
        _worker.ExpectNoMsg(TimeSpan.FromMilliseconds(150));
        Assert.Equal(1, Time.ActiveTimers);

        Time.Advance(Tick);
        Assert.Equal(new Hook("PreStart", 2), _worker.FishForMessage<Hook>(h => h.Name == "PreStart"));
        _worker.ExpectMsg("a");
        _worker.ExpectMsg("b");
        _worker.ExpectMsg("c");
        Assert.Equal(0, Time.ActiveTimers);
    }

    [Fact]
    public void Each_consecutive_restart_waits_twice_as_long_up_to_the_maximum()
    {
        var expected = new[] { Min, Min * 2, Min * 4, Max, Max };
        for (var i = 0; i < expected.Length; i++)
        {
            FailAndAwaitTheBackoffTimer();

            // The back-off timer fires on the advancing thread: still pending means not yet due.
            Time.Advance(expected[i] - Tick);
            Assert.Equal(1, Time.ActiveTimers);
            _child.Tell("kept");

            Time.Advance(Tick);
            Assert.Equal(0, Time.ActiveTimers);
            Assert.Equal(new Hook("PreStart", i + 2), _worker.FishForMessage<Hook>(h => h.Name == "PreStart"));
            _worker.ExpectMsg("kept");
        }
    }

    /// <summary>
    /// Fails the child and returns once its supervisor has scheduled the restart: the decider reports
    /// from inside the supervisor's handling of the failure, and the supervisor answers a ping only
    /// after that handling (which starts the back-off timer) is over.
    /// </summary>
    private void FailAndAwaitTheBackoffTimer()
    {
        _child.Tell(new Fail(new TestException("back off")));
        _decisions.ExpectMsg<Decided>(d => d.Directive == Directive.Restart);
        TestActor.Send(_supervisor, Ping.Instance);
        ExpectMsg(Pong.Instance);
        Assert.Equal(1, Time.ActiveTimers);
    }
}
