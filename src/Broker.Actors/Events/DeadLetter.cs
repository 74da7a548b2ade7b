namespace Broker.Actors;

/// <summary>A message sent to an actor that no longer exists (or never did), published on the event stream.</summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient);
