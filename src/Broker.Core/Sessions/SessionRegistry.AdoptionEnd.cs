using Broker.Actors.Persistence;
using Broker.Core.Sessions.Cluster;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Sessions;

/// <summary>
/// When a removed node's durable sessions have all been adopted. Until then, the other nodes keep its durable routes
/// (<see cref="Routing.DurableRoute"/>), so that a publish under sync durability that would have been for one of its
/// sessions is held, then failed (the publisher sends it again), instead of being acknowledged with nobody to keep it.
/// Every survivor watches its own table's: it lists the stored sessions, and once no client id whose newest stored
/// session was the removed node's at the first listing still has it so (adopted: stored again under another node's id,
/// which is newer; or ended), in two listings in a row a poll apart (the second gives the adopted sessions' routes,
/// written to every node when each is stored again, time to be applied), it tells its peers. Client ids, not stored ids:
/// a node cut off from the others but not from the database may still write a row under its old id after the adopter
/// deleted them.
/// </summary>
public sealed partial class SessionRegistry
{
    private static readonly TimeSpan AdoptionPoll = TimeSpan.FromSeconds(1);

    /// <summary>Past this, a removed node's durable routes go even with sessions still stored (storage unreachable, say): publishes for them would otherwise fail for ever.</summary>
    private static readonly TimeSpan AdoptionWatchBound = TimeSpan.FromMinutes(10);

    private void WatchAdoptionOf(string node, ISessionPeers peers)
    {
        if (!_storage.Shared)
        {
            // Nobody adopts: the node's sessions wait for it in its own storage. After a poll, so that the route
            // replicator, told of the removal by the cluster beside this registry, has kept the routes it now lets go.
            _ = Task.Delay(AdoptionPoll).ContinueWith(_ => peers.AdoptionCompleted(node), TaskScheduler.Default);
            return;
        }

        var persistence = PersistenceExtension.Get(Context.System);
        var ownerKey = SessionStorage.OwnerKeyOf(node);
        var logger = _logger;
        _ = Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow + AdoptionWatchBound;
            HashSet<string>? theirs = null;
            var emptyListings = 0;
            var left = -1;
            while (emptyListings < 2 && DateTime.UtcNow < deadline)
            {
                try
                {
                    var newest = NewestIncarnations(
                        await StoredIdsAsync(persistence, SessionStorage.PersistenceIdPrefix).ConfigureAwait(false), _ => true, leftovers: null);
                    theirs ??= [.. newest.Where(session => OwnerOf(session.Value) == ownerKey).Select(session => session.Key)];
                    left = theirs.Count(clientId => newest.TryGetValue(clientId, out var id) && OwnerOf(id) == ownerKey);
                    emptyListings = left == 0 ? emptyListings + 1 : 0;
                }
                catch (Exception e)
                {
                    LogAdoptionWatchFailed(logger, node, e);
                    emptyListings = 0;
                }

                if (emptyListings < 2)
                {
                    await Task.Delay(AdoptionPoll).ConfigureAwait(false);
                }
            }

            if (emptyListings < 2)
            {
                LogAdoptionWatchGaveUp(logger, node, AdoptionWatchBound, left);
            }

            peers.AdoptionCompleted(node);
        });
    }

    private static string? OwnerOf(string persistenceId) =>
        SessionStorage.TryParsePersistenceId(persistenceId, out _, out _, out var owner) ? owner : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored sessions of removed node {Node} could not be listed to see whether they were all adopted; listing again")]
    private static partial void LogAdoptionWatchFailed(ILogger logger, string node, Exception cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Removed node {Node}: its durable sessions were not all adopted within {Bound} ({Left} left, -1 if unknown); its routes go anyway, and messages published for those sessions from now on are not kept for them")]
    private static partial void LogAdoptionWatchGaveUp(ILogger logger, string node, TimeSpan bound, int left);
}
