using Xunit;

namespace Broker.Actors.TestKit;

/// <summary>
/// A base class for xunit tests of actors: every test gets its own actor system (xunit creates the class
/// anew for each test) with a manual clock, a default probe, and a shutdown at the end that fails the
/// test if the actors do not all stop.
/// </summary>
public abstract class ActorTestKit : IAsyncLifetime
{
    /// <summary>Generous, because a CI machine shared with other work can be slow; only failures wait this long.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    protected ActorTestKit(ActorSystemSettings? settings = null)
    {
        Time = new ManualTimeProvider();
        Sys = ActorSystem.Create(GetType().Name, (settings ?? ActorSystemSettings.Default) with { TimeProvider = Time });
        TestActor = CreateTestProbe("testActor");
    }

    protected ActorSystem Sys { get; }

    /// <summary>The system's clock: <see cref="ManualTimeProvider.Advance"/> fires timers.</summary>
    protected ManualTimeProvider Time { get; }

    /// <summary>The default probe; the Expect helpers below read its messages.</summary>
    protected TestProbe TestActor { get; }

    protected TestProbe CreateTestProbe(string? name = null) => new(Sys, DefaultTimeout, name);

    protected T ExpectMsg<T>(TimeSpan? timeout = null) => TestActor.ExpectMsg<T>(timeout);

    protected T ExpectMsg<T>(T expected, TimeSpan? timeout = null)
        where T : notnull => TestActor.ExpectMsg(expected, timeout);

    protected void ExpectNoMsg(TimeSpan duration) => TestActor.ExpectNoMsg(duration);

    protected Terminated ExpectTerminated(IActorRef actor) => TestActor.ExpectTerminated(actor);

    protected void Watch(IActorRef actor) => TestActor.Watch(actor);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        try
        {
            await Sys.Terminate().WaitAsync(DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"The actor system did not terminate within {DefaultTimeout}: an actor did not stop.");
        }
    }
}
