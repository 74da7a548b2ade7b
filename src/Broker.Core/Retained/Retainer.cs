using Broker.Core.Messaging;
using Broker.Mqtt.Topics;

namespace Broker.Core.Retained;

/// <summary>
/// Owns the retained messages, as EMQX's retainer does: the <see cref="RetainedStore"/> in memory that answers new
/// subscriptions and, when set, their rows in storage (<see cref="IRetainedStorage"/>), kept in the order
/// memory changes. A change storage refuses is undone in memory; expired messages are purged from both.
/// On a node in a cluster it also versions every change and exchanges them with the other nodes
/// (<c>Retainer.Replication.cs</c>).
/// </summary>
public sealed partial class Retainer
{
    private readonly TimeProvider _time;
    private readonly IRetainedStorage? _persistence;

    // Taken around a change of a retained message and the queuing of its row change, so that rows change
    // in the order memory does: two publishers of one topic must not leave the older message on disk.
    private readonly Lock _lock = new();

    /// <param name="persistence">Where retained messages are stored to survive a restart; null keeps them in memory only.</param>
    /// <param name="replicator">The cluster this node's changes go to; null on a node of its own, which then keeps no versions.</param>
    public Retainer(TimeProvider time, IRetainedStorage? persistence = null, IRetainedReplicator? replicator = null)
    {
        _time = time;
        _persistence = persistence;
        _versions = replicator is null ? null : new RetainedVersions();
        _replicator = replicator;
    }

    /// <summary>The messages in memory.</summary>
    public RetainedStore Messages { get; } = new();

    /// <summary>
    /// Loads the stored messages into memory, before anything is published; null when they are kept in memory only.
    /// Faults when storage cannot be read.
    /// </summary>
    public async Task<RetainedLoadResult?> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (_persistence is null)
        {
            return null;
        }

        var result = await _persistence.LoadIntoAsync(Messages, NowMs, cancellationToken).ConfigureAwait(false);
        VersionLoaded();
        return result;
    }

    /// <summary>
    /// <see cref="Store"/>s a PUBLISH whose RETAIN flag is set and, when <paramref name="commit"/>
    /// <see cref="PublishCommit.WaitsForStorage"/>, makes the publisher's acknowledgement wait for the row change:
    /// the commit fails when storage refuses it.
    /// </summary>
    public void Retain(ApplicationMessage message, PublishCommit? commit)
    {
        if (Store(message) is not { } write || commit is not { WaitsForStorage: true })
        {
            return;
        }

        commit.Join();
        write.ContinueWith(
            static (write, state) =>
            {
                if (write.IsCompletedSuccessfully)
                {
                    ((PublishCommit)state!).Succeed();
                }
                else
                {
                    ((PublishCommit)state!).Fail();
                }
            },
            commit, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Applies a PUBLISH whose RETAIN flag is set to memory (<see cref="RetainedStore.Retain"/>) and queues its row
    /// change; hands that back, to complete once committed or fault when storage refused it (memory is then undone).
    /// Null when messages are kept in memory only.
    /// </summary>
    public Task? Store(ApplicationMessage message)
    {
        if (_replicator is { } replicator)
        {
            return StoreReplicated(message, replicator, _versions!);
        }

        if (_persistence is not { } persistence)
        {
            Messages.Retain(message);
            return null;
        }

        Task write;
        ApplicationMessage? previous;
        lock (_lock)
        {
            previous = Messages.Find(message.Topic);
            Messages.Retain(message);
            write = persistence.StoreAsync(message);
        }

        return RevertWhenRefusedAsync(write, message, previous);
    }

    /// <summary>
    /// The unexpired retained messages for a new subscription to <paramref name="filter"/>. Non-shared subscriptions only
    /// (5.0, 3.3.1.3: "When a new Non-shared Subscription is made, the last retained message ... is sent"), so a shared
    /// filter gets none.
    /// </summary>
    public IReadOnlyList<ApplicationMessage> Match(string filter) =>
        TopicValidator.IsShared(filter) || !TopicValidator.IsValidFilter(filter) ? [] : Messages.Match(filter, NowMs);

    /// <summary>
    /// Deletes the expired retained messages from memory and storage; returns how many were deleted, once the rows are
    /// committed. The memory is freed before the first await: a caller that does not wait still frees it, and a failed
    /// row deletion is logged (the row is deleted at the next start instead, when it is loaded expired).
    /// </summary>
    public async Task<int> PurgeExpiredAsync()
    {
        if (_persistence is null && _versions is null)
        {
            return Messages.PurgeExpired(NowMs);
        }

        var purged = 0;
        var deletions = new List<Task>();
        foreach (var message in Messages.FindExpired(NowMs))
        {
            lock (_lock)
            {
                if (Messages.RemoveIfCurrent(message))
                {
                    // Every node purges the same message by itself (its receipt time travels with it): no tombstone.
                    _versions?.RemoveIfHolding(message);
                    purged++;
                    if (_persistence is { } persistence)
                    {
                        deletions.Add(persistence.DeleteAsync(message.Topic));
                    }
                }
            }
        }

        PurgeTombstones();
        await Task.WhenAll(deletions).ConfigureAwait(false);
        return purged;
    }

    /// <summary>
    /// A change storage refused is undone in memory too (unless a later one replaced it): the publisher is refused,
    /// so it must not be served now and lost at the next restart, nor a refused deletion come back then.
    /// </summary>
    private async Task RevertWhenRefusedAsync(Task write, ApplicationMessage message, ApplicationMessage? previous)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch
        {
            lock (_lock)
            {
                Messages.Revert(message.Topic, message.Payload.IsEmpty ? null : message, previous);
            }

            throw;
        }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
