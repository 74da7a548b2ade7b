using Akka.Actor;
using Akka.Cluster;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Cluster.Sessions;

/// <summary>
/// The owner of one client id's session in the cluster, an entity of Akka.Cluster.Sharding (the entity id is the client
/// id): it knows which node holds the live session, and being one actor it orders the claims of every node, so two
/// CONNECTs on two nodes at once end with one winner that takes the session over from the other. It is small and
/// knows nothing else: the session itself runs on the node of its connection (ARCHITECTURE.md, "Sessions in a
/// cluster"). What it knows is not stored: an entity that starts (first use, passivated after idling, or its shard
/// moved because its node left) first asks every member whether it holds the session.
/// </summary>
internal sealed class SessionOwner : ReceiveActor, IWithStash, IWithTimers
{
    /// <summary>A member that does not answer within this is taken to hold nothing (it is unreachable, and about to be downed).</summary>
    internal static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);
    /// <summary>How often a claim held for an unreachable owner looks again whether it was removed or came back.</summary>
    internal static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(500);

    private string? _owner;
    private HashSet<string>? _awaiting;

    // No live owner is known, and one that is gone may have stored the session: the next claim adopts it from storage.
    private bool _mayBeStored;

    public SessionOwner()
    {
        Become(Unknown);
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    private void Unknown()
    {
        Receive<IOwnerMessage>(message => message is ClaimOwner or ReclaimOwner or AdoptOwner, message =>
        {
            Stash.Stash();
            Ask(message.ClientId);
        });
        Receive<ReleaseOwner>(_ => { });
        Receive<Has>(has =>
        {
            if (_awaiting?.Remove(has.Node) != true)
            {
                return;
            }

            if (has.Held && _owner is null)
            {
                _owner = has.Node;
            }

            if (_awaiting.Count == 0)
            {
                Known();
            }
        });
        Receive<QueryTimedOut>(_ => Known());
    }

    private void Ask(string clientId)
    {
        if (_awaiting is not null)
        {
            return;
        }

        _awaiting = [];
        foreach (var member in _cluster.State.Members)
        {
            if (member.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving)
            {
                _awaiting.Add(member.Address.ToString());
                Context.ActorSelection(new RootActorPath(member.Address) / "user" / SessionPeerBridge.Name).Tell(new WhoHas(clientId));
            }
        }

        if (_awaiting.Count == 0)
        {
            Known();
            return;
        }

        Timers.StartSingleTimer(nameof(QueryTimedOut), QueryTimedOut.Instance, QueryTimeout);
    }

    private void Known()
    {
        Timers.CancelAll();
        _awaiting = null;
        _mayBeStored = _owner is null;
        Become(Serving);
        Stash.UnstashAll();
    }

    private void Serving()
    {
        Receive<ClaimOwner>(claim =>
        {
            var previous = _owner;
            if (previous is not null && previous != claim.Node && IsUnreachable(previous))
            {
                // Its node may be dead or only cut off: granted once it is removed (its session is then adopted from
                // storage) or reachable again (then moved from there), never while two nodes could serve the client.
                Stash.Stash();
                Become(WaitingForOwner);
                Timers.StartPeriodicTimer(nameof(Recheck), Recheck.Instance, RecheckInterval);
                return;
            }

            var mayBeStored = _mayBeStored;
            if (previous is not null && !IsMember(previous))
            {
                previous = null; // gone with its session, which storage shared by the cluster may hold
                mayBeStored = true;
            }
            else if (previous == claim.Node)
            {
                previous = null;
            }

            _owner = claim.Node;
            _mayBeStored = false;
            Sender.Tell(new OwnerGranted(claim.ClientId, previous, mayBeStored && previous is null));
        });
        Receive<AdoptOwner>(adopt =>
        {
            // The owner's node adopts it, unless it serves the client already (its registry knows); with no live owner,
            // this entity's node does.
            if (_owner is not { } owner || !IsMember(owner))
            {
                _owner = owner = _cluster.SelfAddress.ToString();
            }

            _mayBeStored = false;
            Context.ActorSelection(new RootActorPath(Address.Parse(owner)) / "user" / SessionPeerBridge.Name)
                .Tell(new Broker.Core.Sessions.Cluster.AdoptStoredSession(adopt.ClientId, adopt.PersistenceId));
        });
        Receive<ReclaimOwner>(reclaim =>
        {
            if (_owner is { } other && other != reclaim.Node && IsMember(other))
            {
                // The client connected elsewhere meanwhile: that session is the newer one.
                Sender.Tell(new OwnerGranted(reclaim.ClientId, other));
                return;
            }

            _owner = reclaim.Node;
            Sender.Tell(new OwnerGranted(reclaim.ClientId, null));
        });
        Receive<ReleaseOwner>(release =>
        {
            if (_owner == release.Node)
            {
                _owner = null;
            }
        });
        Receive<Has>(_ => { });
        Receive<QueryTimedOut>(_ => { });
    }

    private void WaitingForOwner()
    {
        Receive<Recheck>(_ =>
        {
            if (_owner is null || !IsMember(_owner) || !IsUnreachable(_owner))
            {
                Timers.Cancel(nameof(Recheck));
                Become(Serving);
                Stash.UnstashAll();
            }
        });
        Receive<IOwnerMessage>(_ => Stash.Stash());
        Receive<Has>(_ => { });
        Receive<QueryTimedOut>(_ => { });
    }

    private bool IsUnreachable(string node)
    {
        foreach (var member in _cluster.State.Unreachable)
        {
            if (member.Address.ToString() == node)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsMember(string node)
    {
        foreach (var member in _cluster.State.Members)
        {
            if (member.Address.ToString() == node)
            {
                return member.Status is not (MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed);
            }
        }

        return false;
    }

    private sealed class Recheck
    {
        public static readonly Recheck Instance = new();
    }

    private sealed class QueryTimedOut
    {
        public static readonly QueryTimedOut Instance = new();
    }
}
