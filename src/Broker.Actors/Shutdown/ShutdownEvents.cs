namespace Broker.Actors;

// Published to the event stream rather than logged: Broker.Actors has no logging dependency, and the
// host subscribes whatever logger it uses.

/// <summary>The phase's timeout passed before this task finished; the task's token was cancelled.</summary>
public sealed record ShutdownPhaseTimedOut(string Phase, string Task);

/// <summary>The task threw, or its task ended faulted or cancelled before the phase's timeout.</summary>
public sealed record ShutdownTaskFailed(string Phase, string Task, Exception Exception);

/// <summary>An earlier phase without recovery failed, so this phase's tasks were not run.</summary>
public sealed record ShutdownPhaseSkipped(string Phase);
