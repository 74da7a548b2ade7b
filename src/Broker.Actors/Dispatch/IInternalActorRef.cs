namespace Broker.Actors;

/// <summary>
/// A reference the runtime can supervise and watch: it also takes system messages. Local actors are
/// one kind; references to actors on other nodes will be another.
/// </summary>
internal interface IInternalActorRef : IActorRef
{
    ActorSystem System { get; }

    void SendSystemMessage(SystemMessage message);
}
