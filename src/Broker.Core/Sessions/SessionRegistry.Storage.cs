using Broker.Actors;
using Broker.Actors.Persistence;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Sessions;

/// <summary>The registry's part in durability: recovery at start, and restarts of sessions whose storage failed.</summary>
public sealed partial class SessionRegistry
{
    private static readonly Backoff RestartBackoff = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    private IActorRef? _recoveryReplyTo;
    private int _recovering;
    private int _recovered;
    private int _recoveryFailed;

    private bool ReceiveStorage(object message)
    {
        switch (message)
        {
            case RecoverSessions:
                ListStoredSessions(Sender);
                return true;
            case StoredSessionsListed listed:
                StartStoredSessions(listed);
                return true;
            case SessionRecovered recovered:
                SessionHasRecovered(recovered.ClientId, Sender);
                return true;
            case SessionCorrupt corrupt:
                if (_byClientId.TryGetValue(corrupt.ClientId, out var entry) && Equals(entry.Session, Sender))
                {
                    entry.Stopping = true; // it starts afresh: its stopping ends it
                }

                return true;
            case SessionBecameDurable durable:
                if (_byClientId.TryGetValue(durable.ClientId, out var becoming) && Equals(becoming.Session, Sender))
                {
                    becoming.PersistenceId = durable.PersistenceId;
                }

                return true;
            case RestartSession restart:
                Restart(restart.ClientId);
                return true;
            default:
                return false;
        }
    }

    private void ListStoredSessions(IActorRef? replyTo)
    {
        if (!_storage.IsEnabled)
        {
            replyTo?.Tell(new SessionsRecovered(0, 0), Self);
            return;
        }

        var persistence = PersistenceExtension.Get(Context.System);
        var self = Self;
        _ = Task.Run(async () =>
        {
            try
            {
                self.Tell(new StoredSessionsListed(await StoredIdsAsync(persistence, SessionStorage.PersistenceIdPrefix).ConfigureAwait(false), replyTo, null));
            }
            catch (Exception e)
            {
                self.Tell(new StoredSessionsListed([], replyTo, e));
            }
        });
    }

    /// <summary>The newest incarnation of each client id is its session; older ones are leftovers of ended sessions, deleted.</summary>
    private void StartStoredSessions(StoredSessionsListed listed)
    {
        if (listed.Failure is { } failure)
        {
            listed.ReplyTo?.Tell(new SessionsRecovered(0, 0, failure), Self);
            return;
        }

        var leftovers = new List<string>();
        var newest = NewestIncarnations(listed.PersistenceIds, _storage.StartsAtStart, leftovers);
        PurgeInBackground(leftovers);
        _recoveryReplyTo = listed.ReplyTo;
        foreach (var (clientId, persistenceId) in newest)
        {
            if (_byClientId.ContainsKey(clientId))
            {
                continue; // a client connected before recovery was asked for: only possible in tests
            }

            Create(clientId, persistenceId, recover: true);
            _byClientId[clientId].Recovering = true;
            _recovering++;
        }

        LogRecoveringSessions(_logger, newest.Count, leftovers.Count);
        ReplyWhenRecovered();
    }

    /// <summary>The stored session ids that start with <paramref name="prefix"/>: a session may have events, a snapshot, or both.</summary>
    private static async Task<IReadOnlyList<string>> StoredIdsAsync(PersistenceExtension persistence, string prefix)
    {
        var fromJournal = await persistence.Journal.ReadPersistenceIdsAsync(prefix).ConfigureAwait(false);
        var fromSnapshots = await persistence.SnapshotStore.ReadPersistenceIdsAsync(prefix).ConfigureAwait(false);
        return [.. fromJournal.Union(fromSnapshots)];
    }

    /// <summary>
    /// The newest stored incarnation of each client id among those whose owner <paramref name="include"/> takes; the older
    /// ones, leftovers of sessions that ended, go to <paramref name="leftovers"/>.
    /// </summary>
    private static Dictionary<string, string> NewestIncarnations(IEnumerable<string> persistenceIds, Func<string?, bool> include, List<string>? leftovers)
    {
        var newest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in persistenceIds)
        {
            if (!SessionStorage.TryParsePersistenceId(id, out var clientId, out var incarnation, out var owner) || !include(owner))
            {
                continue; // not ours: in storage shared by the cluster, another node's is adopted only once that node is gone
            }

            if (newest.TryGetValue(clientId, out var other))
            {
                var older = string.CompareOrdinal(incarnation, IncarnationOf(other)) < 0 ? id : other;
                leftovers?.Add(older);
                if (ReferenceEquals(older, other))
                {
                    newest[clientId] = id;
                }
            }
            else
            {
                newest[clientId] = id;
            }
        }

        return newest;
    }

    private static string IncarnationOf(string persistenceId) =>
        SessionStorage.TryParsePersistenceId(persistenceId, out _, out var incarnation, out _) ? incarnation : "";

    private void PurgeInBackground(List<string> persistenceIds)
    {
        if (persistenceIds.Count == 0)
        {
            return;
        }

        // Asked for all at once: the purges are batched (PersistenceExtension.PurgeAsync).
        var persistence = PersistenceExtension.Get(Context.System);
        var logger = _logger;
        foreach (var id in persistenceIds)
        {
            persistence.PurgeAsync(id).ContinueWith(
                t => LogPurgeFailed(logger, id, t.Exception!.GetBaseException()),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private void SessionHasRecovered(string clientId, IActorRef? session)
    {
        if (!_byClientId.TryGetValue(clientId, out var entry) || !Equals(entry.Session, session))
        {
            return;
        }

        entry.Restarts = 0;
        RecoveryDone(entry, recovered: true);
        Reclaim(clientId, entry);

        // Requests that waited while the session was started again.
        var waiting = entry.Waiting.Count;
        for (var i = 0; i < waiting && !entry.Stopping; i++)
        {
            var (open, replyTo) = entry.Waiting.Dequeue();
            Open(open, replyTo);
        }

        AskDeferred(entry.Deferred);
    }

    private void RecoveryDone(Entry entry, bool recovered)
    {
        AdoptionDone(entry);
        if (!entry.Recovering)
        {
            return;
        }

        entry.Recovering = false;
        _recovering--;
        if (recovered)
        {
            _recovered++;
        }
        else
        {
            _recoveryFailed++;
        }

        ReplyWhenRecovered();
    }

    private void ReplyWhenRecovered()
    {
        if (_recovering == 0 && _recoveryReplyTo is { } replyTo)
        {
            _recoveryReplyTo = null;
            replyTo.Tell(new SessionsRecovered(_recovered, _recoveryFailed), Self);
        }
    }

    /// <summary>Storage failed under the session (or it crashed): it is started from storage again, later and later while that fails.</summary>
    private void ScheduleRestart(string clientId, Entry entry)
    {
        entry.Session = null;
        entry.Restarts++;
        var delay = RestartBackoff.DelayFor(entry.Restarts, Random.Shared);
        LogRestartScheduled(_logger, clientId, delay.TotalSeconds);
        Context.Timers.StartSingleTimer(RestartKey(clientId), new RestartSession(clientId), delay);
    }

    private void Restart(string clientId)
    {
        if (_byClientId.TryGetValue(clientId, out var entry) && entry.Session is null)
        {
            Create(clientId, entry.PersistenceId!, recover: true);
        }
    }

    private static string RestartKey(string clientId) => "restart/" + clientId;

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovering {Sessions} sessions from storage ({Leftovers} leftover incarnations deleted)")]
    private static partial void LogRecoveringSessions(ILogger logger, int sessions, int leftovers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ClientId} stopped without ending; starting it from storage in {Seconds} s")]
    private static partial void LogRestartScheduled(ILogger logger, string clientId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leftover session rows {PersistenceId} could not be deleted")]
    private static partial void LogPurgeFailed(ILogger logger, string persistenceId, Exception cause);

    private sealed record StoredSessionsListed(IReadOnlyList<string> PersistenceIds, IActorRef? ReplyTo, Exception? Failure);

    private sealed record RestartSession(string ClientId);
}
