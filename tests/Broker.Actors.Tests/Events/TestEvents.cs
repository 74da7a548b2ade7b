namespace Broker.Actors.Tests.Events;

// A small hierarchy to publish: classes and an interface, as subscribers may name either.

internal interface IBarks;

internal record Animal;

internal record Dog : Animal, IBarks;

internal sealed record Puppy : Dog;

internal sealed record Cat : Animal;
