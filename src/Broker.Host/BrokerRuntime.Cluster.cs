using System.Globalization;
using Broker.Actors;
using Broker.Cluster;
using Broker.Core.Sessions.Cluster;
using Broker.Host.Options;
using Microsoft.Extensions.Logging;

namespace Broker.Host;

/// <summary>
/// The node's cluster: started before the route table with static discovery, or, with manual discovery, when the
/// node is joined (<see cref="JoinClusterAsync"/>) while its clients are served. Either way it is wired in the same
/// steps: the dispatcher forwards to other nodes, the route table applies theirs and reports its own (all it already
/// has first), forwarded messages are delivered here, and the shutdown leaves and stops it.
/// </summary>
public sealed partial class BrokerRuntime
{
    private readonly TaskCompletionSource<bool> _clusterEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // One join at a time, and none once the shutdown has begun: its steps must be in place before the shutdown runs.
    private readonly SemaphoreSlim _joinGate = new(1, 1);
    private BrokerCluster? _cluster;
    private int _clusterStepsAdded;
    private bool _securityLoaded;
    private volatile bool _leaveAsked;

    /// <summary>The node's cluster; null on a node of its own (manual discovery, not joined).</summary>
    public BrokerCluster? Cluster => Volatile.Read(ref _cluster);

    /// <summary>
    /// This node's name in every route table: its cluster address ("akka.tcp://broker@10.0.0.5:4370"), with manual
    /// discovery too, where it is computed from <c>cluster.*</c> and <c>node.name</c> before any cluster starts, so
    /// that a join renames nothing.
    /// </summary>
    public string NodeName => _routes.NodeName;

    /// <summary><c>cluster.name</c>: the nodes of one cluster share it.</summary>
    public string ClusterName => _options.Cluster.Name;

    /// <summary>
    /// Completes when this node's cluster has stopped for good: true when the node must stop serving (it left, as
    /// asked; or it was downed or removed and <c>cluster.down_action</c> is exit), false when the runtime stopped it.
    /// A node downed with <c>down_action = rejoin</c> (the default) does not complete it: it rejoins by itself
    /// (<see cref="ClusterRejoined"/>). Never completes on a node that has no cluster.
    /// </summary>
    public Task<bool> ClusterEnded => _clusterEnded.Task;

    /// <summary>
    /// True once this node was asked to leave its cluster, at its own endpoint or another's (a graceful leave, not a
    /// down): its end is then no failure.
    /// </summary>
    public bool LeaveAsked => _leaveAsked || Cluster is { Left: true };

    /// <summary>
    /// Joins the cluster of the node whose cluster endpoint is <paramref name="seed"/> ("host:port"; this node's own
    /// starts a cluster of one), for manual discovery: starts this node's cluster endpoint on <c>cluster.bind</c> and
    /// <c>cluster.port</c> with that one seed and wires it in. Returns once the endpoint runs; the node is a member
    /// when <see cref="BrokerCluster.WhenUp"/> completes. Throws <see cref="InvalidOperationException"/> when the node
    /// has a cluster already, discovers its cluster otherwise, or is stopping; <see cref="ArgumentException"/> for a
    /// seed that is not host:port; <see cref="ClusterStartException"/> when the endpoint cannot start.
    /// </summary>
    public async Task<BrokerCluster> JoinClusterAsync(string seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seed);
        seed = seed.Trim();
        if (!IsHostAndPort(seed))
        {
            throw new ArgumentException($"'{seed}' is not a cluster endpoint, host:port (e.g. 10.0.0.5:4370).", nameof(seed));
        }

        await _joinGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureCanJoin();
            var settings = _options.Cluster.ToSettings(_options.Node, _options.Mqtt) with { Seeds = [seed] };
            LogJoining(_logger, NodeName, seed);
            return await StartAndAttachClusterAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _joinGate.Release();
        }
    }

    /// <summary>
    /// Starts a cluster endpoint with <paramref name="settings"/> while clients may be served and wires it in: the
    /// retainer and the route table report what they hold, forwarded messages are delivered here. Under the join gate.
    /// </summary>
    private async Task<BrokerCluster> StartAndAttachClusterAsync(ClusterSettings settings, CancellationToken cancellationToken)
    {
        var cluster = await StartClusterAsync(_options, settings, _context.LoggerFactory, cancellationToken).ConfigureAwait(false);
        if (cluster.NodeName != NodeName || _stopping)
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw _stopping
                ? new InvalidOperationException("This node is stopping.")
                : new ClusterStartException(
                    $"the cluster endpoint started as {cluster.NodeName}, but this node's routes are named {NodeName}", new InvalidOperationException());
        }

        try
        {
            _retainer.AttachReplicator(cluster.Retained);
            AttachCluster(cluster);
        }
        catch
        {
            // Its port must be free for the next attempt.
            _retainer.DetachReplicator(cluster.Retained);
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        cluster.Retained.Attach(_retainer);
        return cluster;
    }

    /// <summary>Asks a member (by node name) to leave; this node's own name makes this node leave, as asked.</summary>
    public void LeaveCluster(string node)
    {
        var cluster = Cluster ?? throw new InvalidOperationException("This node is not in a cluster.");
        if (node == NodeName)
        {
            _leaveAsked = true;
        }

        cluster.Leave(node);
    }

    private void EnsureCanJoin()
    {
        if (_stopping)
        {
            throw new InvalidOperationException("This node is stopping.");
        }

        if (Cluster is { } cluster)
        {
            throw new InvalidOperationException($"This node is already in cluster '{cluster.Settings.Name}' as {cluster.NodeName}; it must leave before it joins another.");
        }

        if (_options.Cluster.DiscoveryStrategy != DiscoveryStrategy.Manual)
        {
            throw new InvalidOperationException(
                $"This node finds its cluster through cluster.discovery_strategy = {_options.Cluster.DiscoveryStrategy.ToString().ToLowerInvariant()}; only a manual one is joined.");
        }

        if (_options.Cluster.ToSettings(_options.Node, _options.Mqtt).ExpectedNodeName != NodeName)
        {
            throw new InvalidOperationException($"This node's routes are named {NodeName}, which no cluster address of it can be (cluster.port 0?).");
        }
    }

    /// <summary>Once a join under way has finished (or at the deadline), so the shutdown finds its steps in place.</summary>
    private async Task WaitForJoinAsync(CancellationToken deadline)
    {
        try
        {
            await _joinGate.WaitAsync(deadline).ConfigureAwait(false);
            _joinGate.Release();
        }
        catch (OperationCanceledException)
        {
            // The shutdown goes on; a join that ends later finds _stopping set and stops its own cluster.
        }
    }

    private void AttachCluster(BrokerCluster cluster)
    {
        _dispatcher.SetForwarder(cluster.Forwarder);
        cluster.Routes.Attach(_routes);
        _routes.AttachReplicator(cluster.Routes);
        cluster.StartReceiving(_dispatcher, _commitsWaitForStorage);
        cluster.Sessions.Attach(_context.Sessions);
        cluster.Queries.Answer(Answers.HandleAsync);
        _context.Sessions.Tell(new AttachSessionPeers(cluster.Sessions));
        if (Volatile.Read(ref _securityLoaded))
        {
            cluster.Security.Attach(SecurityStore);
        }

        // A node gone (downed or left): its durable sessions in storage shared by the cluster are adopted by the others.
        cluster.MemberRemoved += node => _context.Sessions.Tell(new AdoptSessionsOf(node));
        if (Interlocked.Exchange(ref _clusterStepsAdded, 1) == 0)
        {
            // Once its clients are gone: the others drop its routes when it has left, and stop forwarding to it. The steps
            // act on the cluster of the moment: a node that rejoined has a new one.
            AddShutdownStep(ShutdownPhases.ServiceStop, "leave-cluster", deadline => Cluster is { } current ? current.LeaveAsync().WaitAsync(deadline) : Task.CompletedTask);
            AddShutdownStep(ShutdownPhases.ActorSystemTerminate, "stop-cluster", async _ =>
            {
                if (Cluster is { } current)
                {
                    await current.DisposeAsync().ConfigureAwait(false);
                }
            });
        }

        Volatile.Write(ref _cluster, cluster);
        _ = WatchClusterAsync(cluster);
    }

    /// <summary>
    /// The old cluster's replicators and forwarder are dropped, so that the next one can be wired in; the other nodes'
    /// routes went with its route replicator when it stopped. The cluster stays <see cref="Cluster"/> until replaced.
    /// </summary>
    private void DetachCluster(BrokerCluster ended)
    {
        _dispatcher.ClearForwarder(ended.Forwarder);
        _routes.DetachReplicator(ended.Routes);
        _retainer.DetachReplicator(ended.Retained);
        SecurityStore.Detach(ended.Security);
    }

    /// <summary>
    /// Reads the users and bans stored on this node, then shares them with the cluster: attaching publishes every record
    /// held, so the stored ones (changes made while this node was apart, removals among them) reach the other nodes.
    /// </summary>
    private async Task LoadSecurityAsync(CancellationToken cancellationToken)
    {
        var loaded = await SecurityStore.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (loaded > 0)
        {
            _logger.LogInformation("Loaded {Count} stored users and bans", loaded);
        }

        Volatile.Write(ref _securityLoaded, true);
        Cluster?.Security.Attach(SecurityStore);
    }

    private async Task WatchClusterAsync(BrokerCluster cluster)
    {
        await cluster.Terminated.ConfigureAwait(false);
        _context.Sessions.Tell(new DetachSessionPeers(cluster.Sessions));
        if (_stopping)
        {
            _clusterEnded.TrySetResult(false);
            return;
        }

        if (_leaveAsked || cluster.Left || _options.Cluster.DownAction == ClusterDownAction.Exit)
        {
            _clusterEnded.TrySetResult(true);
            return;
        }

        await RejoinAsync(cluster).ConfigureAwait(false);
    }

    /// <summary>With manual discovery: the address the node's cluster endpoint will have once it is joined.</summary>
    private static string? LateClusterNodeName(BrokerOptions options) =>
        options.Cluster.DiscoveryStrategy == DiscoveryStrategy.Manual
            ? options.Cluster.ToSettings(options.Node, options.Mqtt).ExpectedNodeName
            : null;

    private static bool IsHostAndPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && !value.AsSpan(0, colon).ContainsAny(" /@")
            && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} joining the cluster of {Seed}, as asked")]
    private static partial void LogJoining(ILogger logger, string node, string seed);
}
