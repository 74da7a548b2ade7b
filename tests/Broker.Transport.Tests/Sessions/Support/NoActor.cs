using Broker.Actors;

namespace Broker.Transport.Tests.Sessions.Support;

/// <summary>The session reference pure tests hand to <c>SessionState</c>: the router double never sends to it.</summary>
internal sealed class NoActor : IActorRef
{
    public static readonly NoActor Instance = new();

    public ActorPath Path { get; } = ActorPath.Parse("test://pure/user/sessions/session");

    public void Tell(object message, IActorRef? sender = null) =>
        throw new InvalidOperationException($"Pure session tests send nothing to an actor, but got {message}.");
}
