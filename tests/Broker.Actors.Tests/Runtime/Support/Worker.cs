using System.Runtime.CompilerServices;

namespace Broker.Actors.Tests.Runtime.Support;

/// <summary>A lifecycle hook a <see cref="Worker"/> ran, on which instance, with the reason and message it was given.</summary>
internal sealed record Hook(string Name, int Instance, Exception? Reason = null, object? Message = null);

/// <summary>Makes a <see cref="Worker"/> throw this exception.</summary>
internal sealed record Fail(Exception Exception);

/// <summary>A <see cref="Worker"/>'s answer to "count".</summary>
internal sealed record Counted(int Instance, int Count);

/// <summary>
/// A counting actor that reports its lifecycle hooks to a probe: "inc" counts, "count" answers
/// <see cref="Counted"/>, <see cref="Fail"/> throws, anything else is echoed. Instances are numbered
/// from 1 per <see cref="Props"/>, so a test sees whether a restart made a new one. The hooks call the
/// defaults after reporting, so the default PreRestart (stop the children, PostStop) and PostRestart
/// (PreStart) show up as hooks too.
/// </summary>
internal sealed class Worker : ActorBase
{
    private readonly IActorRef _probe;
    private readonly int _instance;
    private int _count;

    private Worker(IActorRef probe, StrongBox<int> instances)
    {
        _probe = probe;
        _instance = Interlocked.Increment(ref instances.Value);
    }

    public static Props PropsFor(IActorRef probe)
    {
        var instances = new StrongBox<int>();
        return Props.Create(() => new Worker(probe, instances));
    }

    protected override void Receive(object message)
    {
        switch (message)
        {
            case "inc":
                _count++;
                break;
            case "count":
                _probe.Tell(new Counted(_instance, _count), Self);
                break;
            case Fail fail:
                throw fail.Exception;
            default:
                _probe.Tell(message, Self);
                break;
        }
    }

    protected override void PreStart() => _probe.Tell(new Hook("PreStart", _instance), Self);

    protected override void PostStop() => _probe.Tell(new Hook("PostStop", _instance), Self);

    protected override void PreRestart(Exception reason, object? message)
    {
        _probe.Tell(new Hook("PreRestart", _instance, reason, message), Self);
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _probe.Tell(new Hook("PostRestart", _instance, reason), Self);
        base.PostRestart(reason);
    }
}
