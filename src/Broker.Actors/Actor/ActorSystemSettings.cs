namespace Broker.Actors;

public sealed record ActorSystemSettings
{
    public static readonly ActorSystemSettings Default = new();

    /// <summary>
    /// Messages an actor processes per turn before its thread moves on: higher is faster for busy actors,
    /// lower is fairer to the others. Props may override it per actor.
    /// </summary>
    public int Throughput { get; init; } = 32;

    /// <summary>The clock of timers and ask timeouts; tests pass a manual one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long <see cref="ActorSystem.DisposeAsync"/> waits for the actors to stop.</summary>
    public TimeSpan TerminationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The phases of <see cref="ActorSystem.CoordinatedShutdown"/>.</summary>
    public IReadOnlyList<ShutdownPhase> ShutdownPhases { get; init; } = Broker.Actors.ShutdownPhases.Default;
}
