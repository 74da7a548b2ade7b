namespace Broker.Actors;

/// <summary>A message with its sender, as it waits in a mailbox: a struct, so queueing it allocates nothing.</summary>
public readonly record struct Envelope(object Message, IActorRef? Sender);
