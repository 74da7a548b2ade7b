namespace Broker.Actors.Tests.Events;

/// <summary>Keeps what it is told, with the sender, in the order told; safe to tell from many threads.</summary>
internal sealed class RecordingActorRef(string name) : IActorRef
{
    private readonly Lock _gate = new();
    private readonly List<(object Message, IActorRef? Sender)> _received = [];

    public ActorPath Path { get; } = ActorPath.Root(Address.Local("test")).Child(name);

    public IReadOnlyList<object> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _received.Select(r => r.Message)];
            }
        }
    }

    public IReadOnlyList<IActorRef?> Senders
    {
        get
        {
            lock (_gate)
            {
                return [.. _received.Select(r => r.Sender)];
            }
        }
    }

    public IReadOnlyList<T> MessagesOf<T>() => [.. Messages.OfType<T>()];

    public void Tell(object message, IActorRef? sender = null)
    {
        lock (_gate)
        {
            _received.Add((message, sender));
        }
    }
}
