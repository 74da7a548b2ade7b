using System.Runtime.CompilerServices;
using Broker.Actors.Persistence.Serialization;

namespace Broker.Actors.Persistence;

/// <summary>
/// The stores and serializers the persistent actors of one actor system use: installed once by whoever
/// composes the node (the host, a test), found by each <see cref="PersistentActor"/> from its system.
/// The stores belong to the installer, which disposes them after the actor system has terminated.
/// </summary>
public sealed class PersistenceExtension
{
    private static readonly ConditionalWeakTable<ActorSystem, PersistenceExtension> Installed = new();

    public PersistenceExtension(IJournal journal, ISnapshotStore snapshotStore, EventSerializerRegistry serializers, PersistenceSettings? settings = null)
    {
        Journal = journal ?? throw new ArgumentNullException(nameof(journal));
        SnapshotStore = snapshotStore ?? throw new ArgumentNullException(nameof(snapshotStore));
        Serializers = serializers ?? throw new ArgumentNullException(nameof(serializers));
        Settings = settings ?? PersistenceSettings.Default;
        RecoveryPermits = new SemaphoreSlim(Settings.MaxConcurrentRecoveries);
    }

    internal SemaphoreSlim RecoveryPermits { get; }

    public IJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    public EventSerializerRegistry Serializers { get; }

    public PersistenceSettings Settings { get; }

    /// <summary>
    /// Forgets a history in both stores: its events, its highest sequence number and its snapshots. For a history that
    /// has ended for good (an expired session, a leftover found at start).
    /// </summary>
    public async Task PurgeAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        await Journal.PurgeAsync(persistenceId, cancellationToken).ConfigureAwait(false);
        await SnapshotStore.DeleteAsync(persistenceId, SnapshotSelectionCriteria.Latest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes <paramref name="persistence"/> the one of <paramref name="system"/>; before its first persistent actor starts.</summary>
    public static void Install(ActorSystem system, PersistenceExtension persistence)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(persistence);
        if (!Installed.TryAdd(system, persistence))
        {
            throw new InvalidOperationException($"Persistence is already installed in the actor system {system.Name}.");
        }
    }

    public static PersistenceExtension Get(ActorSystem system) =>
        Installed.TryGetValue(system, out var persistence)
            ? persistence
            : throw new InvalidOperationException(
                $"No persistence is installed in the actor system {system.Name}: call PersistenceExtension.Install before starting persistent actors.");
}
