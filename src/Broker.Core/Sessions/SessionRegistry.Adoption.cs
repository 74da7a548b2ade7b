using Broker.Actors;
using Broker.Actors.Persistence;
using Broker.Core.Sessions.Cluster;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Sessions;

/// <summary>
/// Sessions that outlive their node, in storage shared by the cluster (PostgreSQL). Each stored session's id names the
/// node that owns it (<see cref="SessionStorage.NewPersistenceId(string)"/>), and a node starts only its own at start.
/// When a node is removed from the cluster (it died and was downed, or left), its durable sessions are adopted: each
/// is offered to its client id's owner entity, whose node starts it from the journal (the entity orders this with the
/// CONNECTs of the client, so it is started once), takes its routes back, and stores it under an id of its own
/// (SessionActor.Recovery.cs). A client that reconnects before that claims its client id as usual; the owner knows of
/// no live session, and the claiming node adopts the stored one itself before it attaches the connection.
/// </summary>
public sealed partial class SessionRegistry
{
    /// <summary>
    /// Adopted sessions being read back at once: each reads its journal over a pooled connection, and a node that adopts
    /// thousands at once (its share of a dead node's) would otherwise exhaust the pool and fail most of them.
    /// </summary>
    private const int AdoptionsAtOnce = 32;

    // Offered sessions waiting for a place, in order, and their stored ids by client id.
    private readonly Queue<string> _adoptionQueue = new();
    private readonly Dictionary<string, string> _adoptionIds = new(StringComparer.Ordinal);
    private int _adoptionsRunning;
    private readonly AdoptedSpreads _adoptedSpreads = new();

    private bool ReceiveAdoption(object message)
    {
        switch (message)
        {
            case AdoptSessionsOf adopt:
                // Every survivor offers them, not one chosen: a survivor that fails while offering leaves none out. An
                // owner entity takes the first offer of a client id and sends the later ones to the node it chose, whose
                // registry ignores a session it already started.
                if (_peers is { } peers)
                {
                    if (_storage.Shared)
                    {
                        OfferStoredSessionsOf(SessionStorage.OwnerKeyOf(adopt.Node), peers);
                    }

                    WatchAdoptionOf(adopt.Node, peers);
                }

                return true;
            case AdoptStoredSession adopt:
                if (_storage.Shared && _adoptionIds.TryAdd(adopt.ClientId, adopt.PersistenceId))
                {
                    _adoptionQueue.Enqueue(adopt.ClientId);
                    StartAdoptions();
                }

                return true;
            case StoredSessionFound found:
                StoredSessionLookedUp(found);
                return true;
            case SessionAdopted adopted:
                SpreadAdopted(adopted);
                return true;
            case AdoptedRoutesSpread spread:
                AdoptedRoutesSpreadDone(spread);
                return true;
            default:
                return false;
        }
    }

    private void OfferStoredSessionsOf(string ownerKey, ISessionPeers peers)
    {
        var persistence = PersistenceExtension.Get(Context.System);
        var logger = _logger;
        _ = Task.Run(async () =>
        {
            try
            {
                var ids = await StoredIdsAsync(persistence, SessionStorage.PersistenceIdPrefix).ConfigureAwait(false);
                var sessions = NewestIncarnations(ids, owner => owner == ownerKey, leftovers: null);
                LogOffering(logger, sessions.Count, ownerKey);
                foreach (var (clientId, persistenceId) in sessions)
                {
                    peers.Adopt(clientId, persistenceId);
                }
            }
            catch (Exception e)
            {
                LogAdoptionFailed(logger, ownerKey, e);
            }
        });
    }

    /// <summary>The newest stored incarnation of the client id whose owner is no member: a session that outlived its node.</summary>
    private void LookUpStored(string clientId)
    {
        var persistence = PersistenceExtension.Get(Context.System);
        var peers = _peers;
        var self = Self;
        var prefix = SessionStorage.PersistenceIdPrefix + clientId + "/";
        _ = Task.Run(async () =>
        {
            string? found = null;
            try
            {
                var ids = await StoredIdsAsync(persistence, prefix).ConfigureAwait(false);
                var newest = NewestIncarnations(ids, owner => owner is not null && peers?.IsMember(owner) != true, leftovers: null);
                newest.TryGetValue(clientId, out found);
            }
            catch (Exception e)
            {
                self.Tell(new StoredSessionFound(clientId, null, e));
                return;
            }

            self.Tell(new StoredSessionFound(clientId, found, null));
        });
    }

    private void StoredSessionLookedUp(StoredSessionFound found)
    {
        if (found.Failure is { } failure)
        {
            LogLookupFailed(_logger, found.ClientId, failure);
        }

        if (_claims.TryGetValue(found.ClientId, out var claim) && claim.LookingUp)
        {
            claim.LookingUp = false;
            AdoptFound(found);
            FinishClaim(found.ClientId, claim, snapshot: null, from: null);
        }
    }

    private void AdoptFound(StoredSessionFound found)
    {
        if (found.PersistenceId is { } persistenceId && !_byClientId.ContainsKey(found.ClientId))
        {
            Create(found.ClientId, persistenceId, recover: true);
        }
    }

    /// <summary>The offered sessions are started a bounded number at a time, each once the one before it was read back (or failed).</summary>
    private void StartAdoptions()
    {
        while (_adoptionsRunning < AdoptionsAtOnce && _adoptionQueue.TryDequeue(out var clientId))
        {
            AdoptNowIfOffered(clientId);
        }
    }

    /// <summary>
    /// An offered session not started yet is started now when its client id is wanted here (a CONNECT, or another node's
    /// move): this node owns it, and a session made afresh beside it would be a second one.
    /// </summary>
    private void AdoptNowIfOffered(string clientId)
    {
        if (!_adoptionIds.Remove(clientId, out var persistenceId) || _byClientId.ContainsKey(clientId))
        {
            return;
        }

        Create(clientId, persistenceId, recover: true);
        _byClientId[clientId].Adopting = true;
        _adoptionsRunning++;
    }

    /// <summary>An adopted session was read back, or failed (then it is started again after a back-off, as any durable one).</summary>
    private void AdoptionDone(Entry entry)
    {
        if (entry.Adopting)
        {
            entry.Adopting = false;
            _adoptionsRunning--;
            StartAdoptions();
        }
    }

    /// <summary>
    /// Its routes are written to every node at once, rather than by gossip: publishers elsewhere route to it sooner.
    /// Sessions adopted meanwhile wait for the running spread and go together in the next (<see cref="AdoptedSpreads"/>).
    /// </summary>
    private void SpreadAdopted(SessionAdopted adopted)
    {
        if (_peers is { } peers && _adoptedSpreads.Add(adopted) is { } batch)
        {
            Spread(batch, peers);
        }
    }

    private void Spread(SpreadBatch batch, ISessionPeers peers)
    {
        var self = Self;
        peers.SpreadRoutesAsync(batch.Filters).ContinueWith(
            t => self.Tell(new AdoptedRoutesSpread(batch, t.IsCompletedSuccessfully && t.Result)), TaskScheduler.Default);
    }

    private void AdoptedRoutesSpreadDone(AdoptedRoutesSpread spread)
    {
        var (settled, next) = _adoptedSpreads.Done(spread.Batch, spread.Spread);
        if (!spread.Spread && settled.Count > 0)
        {
            LogSpreadGivenUp(_logger, settled.Count, spread.Batch.Attempt);
        }

        foreach (var adopted in settled)
        {
            LogAdopted(_logger, adopted.ClientId, adopted.Filters.Count);
        }

        if (next is not null && _peers is { } peers)
        {
            Spread(next, peers);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Offering {Sessions} durable sessions of removed node {Owner} for adoption")]
    private static partial void LogOffering(ILogger logger, int sessions, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ClientId} adopted from storage, its node gone; its {Subscriptions} routes are on every node")]
    private static partial void LogAdopted(ILogger logger, string clientId, int subscriptions);

    [LoggerMessage(Level = LogLevel.Error, Message = "The durable sessions of removed node {Owner} could not be listed for adoption")]
    private static partial void LogAdoptionFailed(ILogger logger, string owner, Exception cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored sessions of {ClientId} could not be looked up; it starts afresh")]
    private static partial void LogLookupFailed(ILogger logger, string clientId, Exception cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The routes of {Sessions} adopted sessions did not reach every node after {Attempts} tries; they spread by gossip")]
    private static partial void LogSpreadGivenUp(ILogger logger, int sessions, int attempts);

    private sealed record AdoptedRoutesSpread(SpreadBatch Batch, bool Spread);

    private sealed record StoredSessionFound(string ClientId, string? PersistenceId, Exception? Failure);
}
