using Broker.Actors.Persistence;
using Broker.Actors.Persistence.Serialization;

namespace Broker.Actors.TestKit.Persistence;

/// <summary>
/// A journal and a snapshot store on a database of their own (a temporary SQLite file, a PostgreSQL schema),
/// removed on dispose. <see cref="ReopenAsync"/> closes and opens the stores on the same data, as a restarted
/// node would; <see cref="BreakAsync"/> puts the real database into a failing state.
/// </summary>
public abstract class TestStore : IAsyncDisposable
{
    private IJournal? _journal;
    private ISnapshotStore? _snapshotStore;

    public IJournal Journal => _journal ?? throw new InvalidOperationException("The store is closed.");

    public ISnapshotStore SnapshotStore => _snapshotStore ?? throw new InvalidOperationException("The store is closed.");

    /// <summary>Opens a store of the given kind: "sqlite" or "postgresql".</summary>
    public static async Task<TestStore> OpenAsync(string kind) => kind switch
    {
        "sqlite" => await SqliteTestStore.CreateAsync().ConfigureAwait(false),
        "postgresql" => await PostgresTestStore.CreateAsync().ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "sqlite or postgresql"),
    };

    /// <summary>Installs these stores in <paramref name="system"/> with <paramref name="serializers"/>.</summary>
    public PersistenceExtension Install(ActorSystem system, EventSerializerRegistry serializers, PersistenceSettings? settings = null)
    {
        var persistence = new PersistenceExtension(Journal, SnapshotStore, serializers, settings);
        PersistenceExtension.Install(system, persistence);
        return persistence;
    }

    /// <summary>Closes the stores (after committing what was written) and opens new ones on the same data.</summary>
    public async Task ReopenAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        await OpenStoresAsync().ConfigureAwait(false);
    }

    /// <summary>Makes every later read and write of the stores fail, as a lost database would.</summary>
    public abstract Task BreakAsync();

    /// <summary>After <see cref="BreakAsync"/>: the tables are made again, empty, and the open stores work on them.</summary>
    public abstract Task RestoreAsync();

    protected async Task OpenStoresAsync()
    {
        (_journal, _snapshotStore) = await OpenCoreAsync().ConfigureAwait(false);
    }

    protected abstract Task<(IJournal Journal, ISnapshotStore SnapshotStore)> OpenCoreAsync();

    protected virtual async Task CloseAsync()
    {
        if (_journal is not null)
        {
            await _journal.DisposeAsync().ConfigureAwait(false);
        }

        if (_snapshotStore is not null)
        {
            await _snapshotStore.DisposeAsync().ConfigureAwait(false);
        }

        _journal = null;
        _snapshotStore = null;
    }

    /// <summary>Closes the stores and deletes their data.</summary>
    public abstract ValueTask DisposeAsync();
}
