using Broker.Actors;

namespace Broker.Core.Tests.Sessions.Support;

/// <summary>A session reference for pure tests that need what is told to the session, such as a completed <c>PublishCommit</c>.</summary>
internal sealed class RecordingActor : IActorRef
{
    private readonly List<object> _told = [];

    public ActorPath Path { get; } = ActorPath.Parse("test://pure/user/sessions/recorded");

    public IReadOnlyList<object> Told
    {
        get
        {
            lock (_told)
            {
                return [.. _told];
            }
        }
    }

    public void Tell(object message, IActorRef? sender = null)
    {
        lock (_told)
        {
            _told.Add(message);
        }
    }
}
