using Broker.Actors;
using Broker.Core.Sessions.Cluster;
using Xunit.Sdk;

namespace Broker.Core.Tests.Sessions.Cluster.Support;

/// <summary>
/// The cluster as the session registries see it, in memory: an owner table that orders the claims of every node under
/// one lock, as the client id's SessionOwner entity does one message at a time, and the links between the nodes'
/// registries. A test can hold claims (granted later, in the order it chooses), hold or drop transfer messages on
/// their way, and take a node out of the membership (the owner then treats it as gone with its session).
/// </summary>
internal sealed class PeerNetwork
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _registries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _down = new(StringComparer.Ordinal);
    private readonly List<HeldClaim> _heldClaims = [];
    private readonly List<(string To, SessionPeerMessage Message)> _heldMessages = [];
    private readonly List<(string To, SessionPeerMessage Message)> _sent = [];

    /// <summary>Claims wait in <see cref="HeldClaims"/> until the test grants them.</summary>
    public bool HoldClaims { get; set; }

    /// <summary>Transfer messages for which this holds wait until <see cref="ReleaseMessages"/>; null lets all through.</summary>
    public Func<string, SessionPeerMessage, bool>? HoldMessage { get; set; }

    /// <summary>Transfer messages for which this holds are lost on the way (their node died).</summary>
    public Func<string, SessionPeerMessage, bool>? DropMessage { get; set; }

    public FakeSessionPeers Join(string node, IActorRef registry)
    {
        lock (_gate)
        {
            _registries[node] = registry;
        }

        return new FakeSessionPeers(this, node);
    }

    public void SetOwner(string clientId, string node)
    {
        lock (_gate)
        {
            _owners[clientId] = node;
        }
    }

    public string? OwnerOf(string clientId)
    {
        lock (_gate)
        {
            return _owners.GetValueOrDefault(clientId);
        }
    }

    /// <summary>The node is no longer a member: its registry receives nothing, and the owner forgets it owned anything.</summary>
    public void Down(string node)
    {
        lock (_gate)
        {
            _down.Add(node);
        }
    }

    public IReadOnlyList<HeldClaim> HeldClaims
    {
        get
        {
            lock (_gate)
            {
                return [.. _heldClaims];
            }
        }
    }

    /// <summary>Every transfer message sent so far, with the node it was sent to (held and dropped ones too).</summary>
    public IReadOnlyList<(string To, SessionPeerMessage Message)> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> claims are held.</summary>
    public void WaitHeldClaims(int count) => WaitUntil(() => _heldClaims.Count >= count, $"{count} held claims");

    /// <summary>Grants the held claim of <paramref name="node"/>: the owner orders it now.</summary>
    public void Grant(string node, string clientId)
    {
        HeldClaim claim;
        lock (_gate)
        {
            claim = _heldClaims.First(c => c.Node == node && c.ClientId == clientId);
            _heldClaims.Remove(claim);
        }

        GrantNow(claim.ClientId, claim.Node, claim.Registry);
    }

    /// <summary>
    /// Orders the held claim of <paramref name="node"/> now, but its answer reaches the node only when the returned action
    /// runs: another node's request may overtake it.
    /// </summary>
    public Action GrantLater(string node, string clientId)
    {
        HeldClaim claim;
        lock (_gate)
        {
            claim = _heldClaims.First(c => c.Node == node && c.ClientId == clientId);
            _heldClaims.Remove(claim);
        }

        var answer = Order(claim.ClientId, claim.Node);
        return () => claim.Registry.Tell(answer);
    }

    /// <summary>Fails the held claim of <paramref name="node"/>, as a claim whose owner did not answer in time.</summary>
    public void Fail(string node, string clientId)
    {
        HeldClaim claim;
        lock (_gate)
        {
            claim = _heldClaims.First(c => c.Node == node && c.ClientId == clientId);
            _heldClaims.Remove(claim);
        }

        claim.Registry.Tell(new SessionClaimFailed(clientId, "test"));
    }

    /// <summary>Waits until a sent message satisfies <paramref name="condition"/> and returns it.</summary>
    public T WaitSent<T>(string to, Func<T, bool>? condition = null)
        where T : SessionPeerMessage
    {
        T? found = null;
        WaitUntil(() => (found = _sent.Where(s => s.To == to).Select(s => s.Message).OfType<T>().FirstOrDefault(m => condition?.Invoke(m) ?? true)) is not null, $"a {typeof(T).Name} to {to}");
        return found!;
    }

    public void WaitUntil(Func<bool> condition, string what)
    {
        lock (_gate)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (!condition())
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left) && !condition())
                {
                    throw new XunitException($"The peer network did not see {what} within {Timeout}.");
                }
            }
        }
    }

    /// <summary>Delivers the held messages, in the order they were sent.</summary>
    public void ReleaseMessages()
    {
        // Under the lock, so that a message sent meanwhile does not overtake the held ones.
        lock (_gate)
        {
            HoldMessage = null;
            foreach (var (to, message) in _heldMessages)
            {
                Deliver(to, message);
            }

            _heldMessages.Clear();
        }
    }

    internal void Claim(string node, string clientId, IActorRef registry)
    {
        lock (_gate)
        {
            if (HoldClaims)
            {
                _heldClaims.Add(new HeldClaim(node, clientId, registry));
                Monitor.PulseAll(_gate);
                return;
            }
        }

        GrantNow(clientId, node, registry);
    }

    /// <summary>As SessionOwner.Serving: the claimant becomes the owner; the node before it is named unless it is the claimant or gone.</summary>
    private void GrantNow(string clientId, string node, IActorRef registry) => registry.Tell(Order(clientId, node));

    /// <summary>As SessionOwner.Serving: the claimant becomes the owner; the node before it is named unless it is the claimant or gone.</summary>
    private SessionClaimed Order(string clientId, string node)
    {
        lock (_gate)
        {
            var previous = _owners.GetValueOrDefault(clientId);
            if (previous == node || (previous is not null && _down.Contains(previous)))
            {
                previous = null;
            }

            _owners[clientId] = node;
            return new SessionClaimed(clientId, previous);
        }
    }

    internal void Reclaim(string node, string clientId, IActorRef registry)
    {
        string? other;
        lock (_gate)
        {
            other = _owners.GetValueOrDefault(clientId);
            if (other is not null && other != node && !_down.Contains(other))
            {
                registry.Tell(new SessionReclaimed(clientId, other));
                return;
            }

            _owners[clientId] = node;
        }

        registry.Tell(new SessionReclaimed(clientId, null));
    }

    internal void Release(string node, string clientId)
    {
        lock (_gate)
        {
            if (_owners.GetValueOrDefault(clientId) == node)
            {
                _owners.Remove(clientId);
            }

            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Delivered under the lock (a Tell only enqueues): once a test sees a message sent, its registry has it in its mailbox.</summary>
    internal void Send(string from, string to, SessionPeerMessage message)
    {
        var stamped = message with { From = from };
        lock (_gate)
        {
            _sent.Add((to, stamped));
            Monitor.PulseAll(_gate);
            if (DropMessage?.Invoke(to, stamped) == true)
            {
                return;
            }

            if (HoldMessage?.Invoke(to, stamped) == true)
            {
                _heldMessages.Add((to, stamped));
                return;
            }

            Deliver(to, stamped);
        }
    }

    private void Deliver(string to, SessionPeerMessage message)
    {
        lock (_gate)
        {
            if (!_down.Contains(to) && _registries.TryGetValue(to, out var registry))
            {
                registry.Tell(message);
            }
        }
    }

    public sealed record HeldClaim(string Node, string ClientId, IActorRef Registry);
}

/// <summary>One node's <see cref="ISessionPeers"/> on a <see cref="PeerNetwork"/>.</summary>
internal sealed class FakeSessionPeers(PeerNetwork network, string nodeName) : ISessionPeers
{
    public string NodeName { get; } = nodeName;

    public void Claim(string clientId, IActorRef registry) => network.Claim(NodeName, clientId, registry);

    public void Reclaim(string clientId, IActorRef registry) => network.Reclaim(NodeName, clientId, registry);

    public void Release(string clientId) => network.Release(NodeName, clientId);

    public void Send(string node, SessionPeerMessage message) => network.Send(NodeName, node, message);

    // Adoption needs storage shared by the cluster, which these in-memory nodes do not have (interop SessionSurvivalTests).
    public void Adopt(string clientId, string persistenceId) => throw new NotSupportedException("no shared storage here");

    public bool IsMember(string ownerKey) => true;

    public void AdoptionCompleted(string node)
    {
    }

    public Task<bool> SpreadRoutesAsync(IReadOnlyList<string> filters) => Task.FromResult(true);
}
