using System.Runtime.InteropServices;

namespace Broker.Actors;

/// <summary>Why the shutdown runs. Only the first reason given to <see cref="CoordinatedShutdown.RunAsync"/> counts.</summary>
public abstract record ShutdownReason;

/// <summary>The caller did not say.</summary>
public sealed record UnknownReason : ShutdownReason;

/// <summary>The process was asked to stop: SIGTERM (as Kubernetes and systemd do), SIGINT (Ctrl+C) or SIGQUIT.</summary>
public sealed record ProcessTerminationReason(PosixSignal Signal) : ShutdownReason;

/// <summary>The actor system was terminated directly, so the phases run on its way out.</summary>
public sealed record ActorSystemTerminateReason : ShutdownReason;

/// <summary>This node left the cluster, or was removed from it, and has no reason to keep running.</summary>
public sealed record ClusterLeavingReason : ShutdownReason;
