namespace Broker.Actors;

/// <summary>
/// A failure the runtime noticed (an actor crashed, a hook threw while stopping). Broker.Actors has no
/// logging dependency: it publishes these, and the host subscribes and logs them.
/// </summary>
public sealed record ActorErrorEvent(ActorPath Actor, string Message, Exception? Cause);
