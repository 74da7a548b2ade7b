namespace Broker.Actors.Persistence;

/// <summary>
/// Durable state, as Akka.Persistence's DurableStateStore keeps it: the latest value of each key, not its
/// history. Keys live in kinds (retained messages, one per topic, are one kind), each loaded on its own
/// at start. Safe to call from any thread; upserts and deletes of many callers share transactions.
/// </summary>
public interface IDurableStateStore : IAsyncDisposable
{
    /// <summary>
    /// Stores <paramref name="payload"/> as the value of the key, replacing any; completes once committed (as
    /// durably as the store is configured to commit), or faults with the store's error, after which the caller
    /// cannot know whether the value was stored. Writes to one key are applied in the order they were made.
    /// </summary>
    Task UpsertAsync(string kind, string key, string manifest, byte[] payload);

    /// <summary>Removes the key, if present; completes once committed, like <see cref="UpsertAsync"/>.</summary>
    Task DeleteAsync(string kind, string key);

    /// <summary>
    /// Every key of the kind with its value, streamed from the database as it is read (a hundred thousand rows
    /// never sit in one list). What is committed during the enumeration may or may not be seen.
    /// </summary>
    IAsyncEnumerable<DurableStateEntry> LoadAllAsync(string kind, CancellationToken cancellationToken = default);

    DurableStateStatistics Statistics { get; }
}
