namespace Broker.Actors;

/// <summary>A message an actor received but did not handle, published on the event stream.</summary>
public sealed record UnhandledMessage(object Message, IActorRef? Sender, IActorRef Recipient);
