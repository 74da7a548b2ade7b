namespace Broker.Actors;

/// <param name="Name">What tasks are added under; unique within a <see cref="CoordinatedShutdown"/>.</param>
/// <param name="Timeout">
/// How long the phase waits for all of its tasks together. At the timeout the tasks' token is
/// cancelled and the phase ends whether or not they have finished.
/// </param>
/// <param name="Recover">
/// When true, a task that fails or times out is reported and the next phase runs anyway. When false,
/// the phases after it are skipped, except the last one, which always runs so that the system terminates.
/// </param>
public sealed record ShutdownPhase(string Name, TimeSpan Timeout, bool Recover = true);
