using Broker.Actors.Persistence;
using Broker.Core.Messaging;
using Broker.Core.Retained;
using Broker.Mqtt.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Core.Persistence;

/// <summary>
/// The retained messages on disk: one row per topic in an <see cref="IDurableStateStore"/> (kind
/// <see cref="Kind"/>, key the topic, value the message in <see cref="ApplicationMessageFormat"/>), loaded
/// into the <see cref="RetainedStore"/> at start and kept in step with it by the <see cref="Retainer"/>,
/// which queues each row change in the order it changes memory. The store in memory stays the one that
/// answers subscriptions; this only makes it survive a restart.
/// </summary>
public sealed partial class RetainedMessagePersistence : IRetainedStorage
{
    public const string Kind = "retained";

    /// <summary>The manifest of every row; the format's own version byte says which layout it has.</summary>
    public const string Manifest = "mqtt.application-message";

    private readonly IDurableStateStore _store;
    private readonly ILogger _logger;
    private readonly Action<Task, object?> _logFailure;

    public RetainedMessagePersistence(IDurableStateStore store, ILogger? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _logger = logger ?? NullLogger.Instance;
        _logFailure = (task, topic) => LogWriteFailed(_logger, (string)topic!, task.Exception!.GetBaseException().Message);
    }

    /// <summary>
    /// Loads every stored retained message into <paramref name="retained"/>. A row that has expired by
    /// <paramref name="nowMs"/> is deleted [MQTT-3.3.2-5]; a row that cannot be read is logged with its topic
    /// and deleted, and the others still load. Completes when the deletions are committed; faults when the
    /// store cannot be read.
    /// </summary>
    public async Task<RetainedLoadResult> LoadIntoAsync(RetainedStore retained, long nowMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retained);
        var deletions = new List<Task>();
        int loaded = 0, expired = 0, unreadable = 0;
        await foreach (var entry in _store.LoadAllAsync(Kind, cancellationToken).ConfigureAwait(false))
        {
            ApplicationMessage message;
            try
            {
                message = Decode(entry);
            }
            catch (InvalidDataException e)
            {
                LogUnreadable(_logger, entry.Key, e.Message);
                unreadable++;
                deletions.Add(_store.DeleteAsync(Kind, entry.Key));
                continue;
            }

            if (message.IsExpired(nowMs))
            {
                expired++;
                deletions.Add(_store.DeleteAsync(Kind, entry.Key));
                continue;
            }

            retained.Retain(message);
            loaded++;
        }

        await Task.WhenAll(deletions).ConfigureAwait(false);
        return new RetainedLoadResult(loaded, expired, unreadable);
    }

    /// <summary>
    /// Stores the message as its topic's retained message, or deletes the topic's row when the payload is
    /// empty [MQTT-3.3.1-6]. The change is queued before this returns (callers order changes of one topic
    /// by calling in order); the task completes when it is committed. A failure is also logged here, so a
    /// caller that does not wait loses nothing silently.
    /// </summary>
    public Task StoreAsync(ApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var write = message.Payload.IsEmpty
            ? _store.DeleteAsync(Kind, message.Topic)
            : _store.UpsertAsync(Kind, message.Topic, Manifest, ApplicationMessageFormat.Serialize(message));
        return Observe(write, message.Topic);
    }

    /// <summary>Deletes the topic's row; completes when committed.</summary>
    public Task DeleteAsync(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return Observe(_store.DeleteAsync(Kind, topic), topic);
    }

    private Task Observe(Task write, string topic)
    {
        if (!write.IsCompletedSuccessfully)
        {
            _ = write.ContinueWith(_logFailure, topic, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return write;
    }

    /// <exception cref="InvalidDataException">The row is not a retained message this broker can serve.</exception>
    private static ApplicationMessage Decode(DurableStateEntry entry)
    {
        if (entry.Manifest != Manifest)
        {
            throw new InvalidDataException($"Unknown manifest '{entry.Manifest}'.");
        }

        var message = ApplicationMessageFormat.Deserialize(entry.Payload);
        if (message.Topic != entry.Key)
        {
            throw new InvalidDataException($"The stored message is for topic '{message.Topic}'.");
        }

        if (!TopicValidator.IsValidTopicName(message.Topic) || message.Payload.IsEmpty)
        {
            throw new InvalidDataException("The stored message has an invalid topic or an empty payload.");
        }

        return message;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retained message of topic {Topic} cannot be read and is deleted: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retained message of topic {Topic} was not stored: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string topic, string reason);
}
