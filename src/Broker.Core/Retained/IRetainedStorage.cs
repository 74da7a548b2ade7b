using Broker.Core.Messaging;

namespace Broker.Core.Retained;

/// <summary>
/// Where the <see cref="Retainer"/> keeps retained messages across a restart (Core/Persistence's
/// <c>RetainedMessagePersistence</c>): the retainer changes memory first and queues each row change in that order,
/// so memory stays the one that answers subscriptions.
/// </summary>
public interface IRetainedStorage
{
    /// <summary>
    /// Loads every stored message into <paramref name="retained"/>; expired and unreadable rows are deleted
    /// [MQTT-3.3.2-5]. Faults when the storage cannot be read.
    /// </summary>
    Task<RetainedLoadResult> LoadIntoAsync(RetainedStore retained, long nowMs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the topic's message, or deletes its row when the payload is empty [MQTT-3.3.1-6]. The change is
    /// queued before this returns; the task completes when it is committed.
    /// </summary>
    Task StoreAsync(ApplicationMessage message);

    /// <summary>Deletes the topic's row; completes when committed.</summary>
    Task DeleteAsync(string topic);
}
