using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime.Support;

/// <summary>Asks a <see cref="Supervisor"/> to create a child; it answers with the child's reference.</summary>
internal sealed record SpawnChild(Props Props, string? Name = null);

/// <summary>Answered with <see cref="Pong"/>: once it arrives, every system message the actor had before it has been handled.</summary>
internal sealed record Ping
{
    public static readonly Ping Instance = new();

    private Ping()
    {
    }
}

internal sealed record Pong
{
    public static readonly Pong Instance = new();

    private Pong()
    {
    }
}

/// <summary>What a <see cref="Supervisor.Reporting"/> decider was asked about.</summary>
internal sealed record Decided(Exception Cause, Directive Directive);

/// <summary>A parent that creates the children tests supervise; its strategy comes from its Props.</summary>
internal sealed class Supervisor : ActorBase
{
    public static Props PropsWith(SupervisorStrategy strategy) => Props.Create(() => new Supervisor()).WithSupervisorStrategy(strategy);

    /// <summary>A decider that tells <paramref name="probe"/> each failure and the directive it chose.</summary>
    public static Func<Exception, Directive> Reporting(IActorRef probe, Func<Exception, Directive> decider) => cause =>
    {
        var directive = decider(cause);
        probe.Tell(new Decided(cause, directive));
        return directive;
    };

    public static Func<Exception, Directive> Reporting(IActorRef probe, Directive directive) => Reporting(probe, _ => directive);

    /// <summary>Creates a child of <paramref name="supervisor"/>, using <paramref name="probe"/> for the answer.</summary>
    public static IActorRef Spawn(TestProbe probe, IActorRef supervisor, Props props, string? name = null)
    {
        probe.Send(supervisor, new SpawnChild(props, name));
        return probe.ExpectMsg<IActorRef>();
    }

    protected override void Receive(object message)
    {
        switch (message)
        {
            case SpawnChild spawn:
                Sender?.Tell(Context.Spawn(spawn.Props, spawn.Name), Self);
                break;
            case Ping:
                Sender?.Tell(Pong.Instance, Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
