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
    /// <summary>The most ids one batch of purges carries: its statements stay small.</summary>
    internal const int MaxPurgesAtOnce = 1000;

    private static readonly ConditionalWeakTable<ActorSystem, PersistenceExtension> Installed = new();

    // Made at the first purge: most installs (tests, nodes without ended sessions) never purge.
    private readonly Lazy<GroupCommitWriter<string>> _purges;

    public PersistenceExtension(IJournal journal, ISnapshotStore snapshotStore, EventSerializerRegistry serializers, PersistenceSettings? settings = null)
    {
        Journal = journal ?? throw new ArgumentNullException(nameof(journal));
        SnapshotStore = snapshotStore ?? throw new ArgumentNullException(nameof(snapshotStore));
        Serializers = serializers ?? throw new ArgumentNullException(nameof(serializers));
        Settings = settings ?? PersistenceSettings.Default;
        RecoveryPermits = new SemaphoreSlim(Settings.MaxConcurrentRecoveries);
        _purges = new(() => new GroupCommitWriter<string>(PurgeAllAsync, static _ => 1, MaxPurgesAtOnce));
    }

    internal SemaphoreSlim RecoveryPermits { get; }

    public IJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    public EventSerializerRegistry Serializers { get; }

    public PersistenceSettings Settings { get; }

    /// <summary>
    /// Forgets a history in both stores: its events, its highest sequence number and its snapshots. For a history that
    /// has ended for good (an expired session, a leftover found at start).
    /// <para>
    /// Purges are batched as writes are group-committed: those asked for while one batch runs go together in the next
    /// (<see cref="IJournal.PurgeAllAsync"/>, <see cref="ISnapshotStore.DeleteAllAsync"/>), so thousands at once (the
    /// old rows of the sessions adopted from a node that is gone) hold one connection, not one each.
    /// </para>
    /// </summary>
    public Task PurgeAsync(string persistenceId)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        return _purges.Value.WriteAsync(persistenceId);
    }

    private async Task PurgeAllAsync(IReadOnlyList<string> persistenceIds, CancellationToken cancellationToken)
    {
        var distinct = persistenceIds.Distinct(StringComparer.Ordinal).ToList();
        await Journal.PurgeAllAsync(distinct, cancellationToken).ConfigureAwait(false);
        await SnapshotStore.DeleteAllAsync(distinct, cancellationToken).ConfigureAwait(false);
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
