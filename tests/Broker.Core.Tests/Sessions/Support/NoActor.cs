using Broker.Actors;

namespace Broker.Core.Tests.Sessions.Support;

/// <summary>The publisher of the commits pure session tests make as the actor would, for tests that complete none of them: nothing is told to it.</summary>
internal sealed class NoActor : IActorRef
{
    public static readonly NoActor Instance = new();

    public ActorPath Path { get; } = ActorPath.Parse("test://pure/user/sessions/session");

    public void Tell(object message, IActorRef? sender = null) =>
        throw new InvalidOperationException($"Pure session tests send nothing to an actor, but got {message}.");
}
