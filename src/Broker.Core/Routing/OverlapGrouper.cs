using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Broker.Actors;

namespace Broker.Core.Routing;

/// <summary>
/// Groups the plain subscriptions of the several filters one publish matched by client, so that a client whose
/// subscriptions overlap gets one copy of the message (<see cref="DeliveryVisitor"/>). Only publishes that match
/// more than one filter with plain subscribers use it; those that match one, the common case, never do.
/// <para>
/// Each subscription added is a link; a client's links are chained in the order they came, and the clients are
/// kept in the order they were first seen, so deliveries go out in a stable order. One instance per thread is
/// reused (taken off the thread while in use), so grouping allocates nothing once warm but the match arrays of
/// the clients that do overlap; one grown past <see cref="MaxCachedClients"/> by a large fan-out is not kept,
/// since clearing its dictionary would cost every later publish its whole capacity.
/// </para>
/// </summary>
internal sealed class OverlapGrouper
{
    private const int MaxCachedClients = 1024;

    // Up to this many clients, one is found by comparing client ids, which costs less than hashing them: most
    // publishes that match several filters reach a few clients.
    private const int ScanLimit = 8;

    [ThreadStatic]
    private static OverlapGrouper? t_cached;

    private readonly Dictionary<string, int> _clientIndex = new(StringComparer.Ordinal);
    private Client[] _clients = new Client[8];
    private Link[] _links = new Link[16];
    private int _clientCount;
    private int _linkCount;

    public static OverlapGrouper Rent()
    {
        var grouper = t_cached ?? new OverlapGrouper();
        t_cached = null;
        return grouper;
    }

    /// <summary>Clears the grouper and keeps it for this thread's next publish, unless it grew too large.</summary>
    public void Return()
    {
        if (_clientCount > MaxCachedClients)
        {
            return;
        }

        _clientIndex.Clear();
        Array.Clear(_clients, 0, _clientCount);
        Array.Clear(_links, 0, _linkCount);
        _clientCount = 0;
        _linkCount = 0;
        t_cached = this;
    }

    /// <summary>How many clients were added.</summary>
    public int ClientCount => _clientCount;

    public void Add(LocalSubscription subscription)
    {
        if (_linkCount == _links.Length)
        {
            Array.Resize(ref _links, _links.Length * 2);
        }

        var link = _linkCount++;
        _links[link] = new Link(subscription, -1);
        var index = IndexOf(subscription.ClientId);
        if (index >= 0)
        {
            ref var client = ref _clients[index];
            _links[client.Last].Next = link;
            client.Last = link;
            client.Count++;
            return;
        }

        if (_clientCount == _clients.Length)
        {
            Array.Resize(ref _clients, _clients.Length * 2);
        }

        index = _clientCount++;
        _clients[index] = new Client(link, link, 1);
        if (_clientCount > ScanLimit)
        {
            _clientIndex[subscription.ClientId] = index;
        }
    }

    /// <summary>The client's index, -1 when it is new; past <see cref="ScanLimit"/> clients, from the dictionary, filled once then.</summary>
    private int IndexOf(string clientId)
    {
        if (_clientCount > ScanLimit)
        {
            return _clientIndex.TryGetValue(clientId, out var index) ? index : -1;
        }

        for (var i = 0; i < _clientCount; i++)
        {
            if (string.Equals(_links[_clients[i].First].Subscription.ClientId, clientId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        if (_clientCount == ScanLimit)
        {
            for (var i = 0; i < _clientCount; i++)
            {
                _clientIndex[_links[_clients[i].First].Subscription.ClientId] = i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The <paramref name="client"/>-th client's subscriptions as one delivery's matches: the subscription's own
    /// array when it has one, a new array when its subscriptions overlap. Durable when any of them is: a session
    /// that is not settles a commit it was given at once, so joining one too many only costs nothing.
    /// </summary>
    public ClientMatches Get(int client)
    {
        var entry = _clients[client];
        var first = _links[entry.First].Subscription;
        if (entry.Count == 1)
        {
            return new ClientMatches(first.Session, first.SoleMatch, first.Durable, first.Room);
        }

        var merged = new SubscriptionMatch[entry.Count];
        var durable = false;
        var next = entry.First;
        for (var i = 0; i < merged.Length; i++)
        {
            var subscription = _links[next].Subscription;
            merged[i] = subscription.Match;
            durable |= subscription.Durable;
            next = _links[next].Next;
        }

        return new ClientMatches(first.Session, ImmutableCollectionsMarshal.AsImmutableArray(merged), durable, first.Room);
    }

    /// <summary>What one client is told: its session, the subscriptions matched, whether it is kept in storage.</summary>
    public readonly record struct ClientMatches(IActorRef Session, ImmutableArray<SubscriptionMatch> Matches, bool Durable, ISubscriberRoom? Room);

    /// <summary>A client: its first and last link, and how many it has.</summary>
    private record struct Client(int First, int Last, int Count);

    /// <summary>A subscription added, and the index of its client's next link (-1 for none yet).</summary>
    private record struct Link(LocalSubscription Subscription, int Next);
}
