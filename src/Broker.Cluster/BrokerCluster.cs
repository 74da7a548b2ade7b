using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Broker.Cluster.Delivery;
using Broker.Cluster.Discovery;
using Broker.Cluster.Logging;
using Broker.Cluster.Membership;
using Broker.Cluster.Queries;
using Broker.Cluster.Retained;
using Broker.Cluster.Routing;
using Broker.Cluster.Security;
using Broker.Cluster.Sessions;
using Broker.Core.Routing;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Cluster;

/// <summary>
/// This node's membership in the broker cluster: an Akka actor system with cluster, remoting and distributed data,
/// and the four things the broker takes from it (<see cref="Routes"/>, <see cref="Forwarder"/>,
/// <see cref="StartReceiving"/>, <see cref="Retained"/>). No Akka type appears in its public surface, so the rest of the broker depends on
/// this project's types only.
/// </summary>
public sealed class BrokerCluster : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(10);

    /// <summary>Shards of the client ids' owner entities: ten times the largest cluster we plan for, as Akka advises.</summary>
    private const int OwnerShards = 200;

    private readonly ActorSystem _system;
    private readonly AkkaCluster _cluster;
    private readonly ILogger _logger;
    private readonly IActorRef _receiver;
    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Every member's endpoint ("host:port") this node saw Up, itself included: where it rejoins once downed.
    private volatile bool _left;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _seenUp = new(StringComparer.OrdinalIgnoreCase);

    private BrokerCluster(ActorSystem system, ILoggerFactory loggerFactory, ClusterSettings settings, string hocon)
    {
        _system = system;
        _cluster = AkkaCluster.Get(system);
        _logger = loggerFactory.CreateLogger<BrokerCluster>();
        Settings = settings;
        Hocon = hocon;
        NodeName = _cluster.SelfAddress.ToString();
        _cluster.RegisterOnMemberUp(() => _up.TrySetResult());

        Forwarder = new ClusterForwarder(system, settings.ForwardStallTimeout);
        _receiver = system.ActorOf(Props.Create(() => new ForwardReceiver(loggerFactory.CreateLogger<ForwardReceiver>())), ForwardReceiver.Name);
        var routes = system.ActorOf(Props.Create(() => new RouteReplicatorActor(loggerFactory.CreateLogger<ClusterRouteReplicator>())), "broker-routes");
        Routes = new ClusterRouteReplicator(routes, NodeName);
        var synchronized = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var retained = system.ActorOf(Props.Create(() => new RetainedReplicatorActor(
            loggerFactory.CreateLogger<ClusterRetainedReplicator>(), settings.RetainedChunkBytes, settings.RetainedTombstoneRetention, synchronized)),
            RetainedReplicatorActor.Name);
        Retained = new ClusterRetainedReplicator(retained, NodeName, settings.RetainedTombstoneRetention, synchronized);
        var security = system.ActorOf(Props.Create(() => new SecurityReplicatorActor(loggerFactory.CreateLogger<ClusterSecurityReplicator>())), SecurityReplicatorActor.Name);
        Security = new ClusterSecurityReplicator(security);
        var bridge = system.ActorOf(Props.Create(() => new SessionPeerBridge(NodeName, loggerFactory.CreateLogger<SessionPeerBridge>())), SessionPeerBridge.Name);
        var owners = ClusterSharding.Get(system).Start(
            "session-owner", Props.Create(() => new SessionOwner()), ClusterShardingSettings.Create(system), new OwnerMessageExtractor(OwnerShards));
        Sessions = new ClusterSessionPeers(system, owners, bridge, Routes, Forwarder, NodeName, settings.StableAfter);
        var queries = system.ActorOf(Props.Create(() => new QueryActor(settings.QueryChunkBytes)), QueryActor.Name);
        Queries = new ClusterQueries(system, queries, NodeName, settings.MaximumFrameSize);
        var progress = new JoinProgress(settings.Seeds.Count > 0 ? "still trying " + DescribeSeeds(settings) : DescribeSeeds(settings));
        Action selfLeaving = () => _left = true;
        system.ActorOf(Props.Create(() => new MembershipWatcher(_logger, progress, OnMemberRemoved, OnMemberUp, selfLeaving)), "broker-membership");
        if (settings.DnsDiscovery is { } dns)
        {
            var finderLogger = loggerFactory.CreateLogger<DnsSeedFinder>();
            system.ActorOf(Props.Create(() => new DnsSeedFinder(dns, progress, finderLogger)), DnsSeedFinder.Name);
        }
    }

    /// <summary>A member was removed from the cluster (it left or was downed) while this node serves in it; the argument is its node name.</summary>
    public event Action<string>? MemberRemoved;

    public ClusterSettings Settings { get; }

    /// <summary>The Akka configuration this node runs with, for the startup log.</summary>
    public string Hocon { get; }

    /// <summary>This node's address, e.g. "akka.tcp://plant@127.0.0.1:4370": its identity in every node's route table.</summary>
    public string NodeName { get; }

    /// <summary>Give it to this node's RouteTable, then <see cref="ClusterRouteReplicator.Attach"/> the table.</summary>
    public ClusterRouteReplicator Routes { get; }

    /// <summary>Give it to this node's dispatcher: sends a message to another node's <see cref="StartReceiving"/> callback.</summary>
    public ClusterForwarder Forwarder { get; }

    /// <summary>Attach this node's <see cref="Core.Security.Records.SecurityStore"/>: users and bans changed at run time, the same on every node.</summary>
    public ClusterSecurityReplicator Security { get; }

    /// <summary>
    /// Give it to this node's Retainer, then <see cref="ClusterRetainedReplicator.Attach"/> the retainer once it has
    /// loaded what storage holds.
    /// </summary>
    public ClusterRetainedReplicator Retained { get; }

    /// <summary>
    /// Give it to this node's session registry (<c>AttachSessionPeers</c>) after <see cref="ClusterSessionPeers.Attach"/>:
    /// one live session per client id in the cluster, and sessions moved between nodes.
    /// </summary>
    public ClusterSessionPeers Sessions { get; }

    /// <summary>
    /// Questions asked of every node (the management API's cluster-wide views): register this node's answers with
    /// <see cref="ClusterQueries.Answer"/>.
    /// </summary>
    public ClusterQueries Queries { get; }

    /// <summary>True once this node is Up in the cluster.</summary>
    public bool IsUp => _up.Task.IsCompleted;

    /// <summary>
    /// True once this node has begun to leave gracefully (Leaving or Exiting), asked at its own endpoint or another's: its
    /// end is then a leave. A node downed (by the split brain resolver, or an operator) never was.
    /// </summary>
    public bool Left => _left;

    /// <summary>Completes when this node is Up (never, while it reaches no seed; bound the wait).</summary>
    public Task WhenUp => _up.Task;

    /// <summary>Completes when the actor system has stopped: after <see cref="DisposeAsync"/>, or when this node was downed.</summary>
    public Task Terminated => _system.WhenTerminated;

    public static Task<BrokerCluster> StartAsync(ClusterSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        cancellationToken.ThrowIfCancellationRequested();
        var hocon = ClusterHocon.Build(settings);
        var config = ClusterHocon.Load(hocon);
        PortCheck.EnsureFree(settings.Bind, settings.Port);
        var setup = BootstrapSetup.Create()
            .WithConfig(config)
            .And(new LoggerFactorySetup(loggerFactory));
        ActorSystem system;
        try
        {
            system = ActorSystem.Create(settings.Name, setup);
        }
        catch (Exception e)
        {
            // Akka's exception types stay inside this project; the host reports the message and stops (exit 2).
            throw new InvalidOperationException(
                $"The cluster node could not start on {settings.Bind}:{settings.Port}: {e.GetBaseException().Message}", e);
        }

        try
        {
            var cluster = new BrokerCluster(system, loggerFactory, settings, hocon);
            cluster._logger.LogInformation("Cluster node {Node} started; {Seeds}, split brain resolver {Strategy} after {StableAfter}",
                cluster.NodeName, DescribeSeeds(settings), settings.SplitBrainStrategy.ToConfigName(), settings.StableAfter);
            return Task.FromResult(cluster);
        }
        catch
        {
            system.Terminate().Wait(StopBound);
            throw;
        }
    }

    /// <summary>
    /// Hands every message forwarded to this node to <paramref name="dispatcher"/>'s
    /// <see cref="Dispatcher.DispatchForwarded"/>, each sending node's in arrival order. Messages that came before are
    /// dispatched first. Call once.
    /// </summary>
    /// <param name="commitsWaitForStorage">Under sync durability: a forwarded QoS 1/2 message is accepted (and its
    /// publisher acknowledged) once this node's durable subscribers have stored it.</param>
    public void StartReceiving(Dispatcher dispatcher, bool commitsWaitForStorage)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        _receiver.Tell(new ForwardReceiver.Start(dispatcher, commitsWaitForStorage));
    }

    /// <summary>The membership as this node sees it now.</summary>
    public ClusterMembers Members => MembersSnapshot.From(_cluster);

    /// <summary>Joins this node to the cluster that the node at "host:port" belongs to (discovery "manual").</summary>
    public void Join(string hostPort) => _cluster.Join(Address.Parse($"akka.tcp://{Settings.Name}@{hostPort}"));

    /// <summary>Asks a member (by node name) to leave gracefully.</summary>
    public void Leave(string node) => _cluster.Leave(Address.Parse(node));

    /// <summary>Marks a member (by node name) down, as the split brain resolver would.</summary>
    public void Down(string node) => _cluster.Down(Address.Parse(node));

    /// <summary>
    /// Leaves the cluster gracefully: the others take this node's routes out and stop forwarding to it. Waits until
    /// this node is removed, or <paramref name="timeout"/> (default 10 s), whichever is first; logs when it timed out.
    /// Returns at once on a node that has not joined yet.
    /// </summary>
    public async Task LeaveAsync(TimeSpan? timeout = null)
    {
        // A node still looking for seeds is in no cluster: there is nothing to leave, and no removal to wait for; nor is
        // one whose cluster has ended.
        if (Terminated.IsCompleted || !_cluster.State.Members.Any(m => m.UniqueAddress.Equals(_cluster.SelfUniqueAddress)))
        {
            return;
        }

        using var cts = new CancellationTokenSource(timeout ?? StopBound);
        try
        {
            await _cluster.LeaveAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("Cluster node {Node} did not finish leaving within {Timeout}", NodeName, timeout ?? StopBound);
        }
    }

    /// <summary>Stops the actor system (leaving first if still a member, through Akka's coordinated shutdown), bounded.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _system.Terminate().WaitAsync(StopBound).ConfigureAwait(false);
            Forwarder.Stop();
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Cluster node {Node} did not stop within {Timeout}", NodeName, StopBound);
        }
    }

    private static string DescribeSeeds(ClusterSettings settings) => settings switch
    {
        { DnsDiscovery: { } dns } => $"seeds from DNS name {dns.Name} ({(dns.RecordType == DnsRecordType.Srv ? "SRV" : "A")} records)",
        { Seeds.Count: 0 } => "no seeds: waiting to be joined",
        _ => $"seeds [{string.Join(", ", settings.Seeds)}]",
    };

    /// <summary>
    /// The settings of this node's next cluster, once this one has ended under it (downed by the split brain resolver,
    /// or removed): at the same address, with the seeds it may rejoin through, never itself (the first seed of Akka's list
    /// forms a new cluster when no other answers, which the cut-off side of a partition must never do): the members it
    /// saw Up and the configured seeds, or, with DNS, what DNS gives besides them (the finder forming none). A node that
    /// never saw another member and has no other seed forms a cluster of its own again, as it did at start.
    /// </summary>
    public ClusterSettings RejoinSettings()
    {
        var self = SeedAddress.Of(_cluster.SelfAddress.Host, _cluster.SelfAddress.Port ?? Settings.Port);
        var others = _seenUp.Keys.Concat(Settings.Seeds).Concat(Settings.DnsDiscovery?.RejoinVia ?? [])
            .Select(seed => seed.Trim())
            .Where(seed => ParseSeed(seed) is { } address && address != self)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var rejoin = Settings with { Port = self.Port };
        if (Settings.DnsDiscovery is { } dns)
        {
            return rejoin with { DnsDiscovery = dns with { RejoinVia = others } };
        }

        return rejoin with { Seeds = others.Count > 0 ? others : [self.ToString()] };
    }

    private static SeedAddress? ParseSeed(string seed)
    {
        var colon = seed.LastIndexOf(':');
        return colon > 0 && int.TryParse(seed.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            ? SeedAddress.Of(seed[..colon], port)
            : null;
    }

    private void OnMemberUp(string endpoint) => _seenUp[endpoint] = true;

    private void OnMemberRemoved(string node)
    {
        Forwarder.Forget(node);
        _receiver.Tell(new ForwardReceiver.Forget(node));
        // A node whose own cluster ends (downed, leaving) sees every other member removed: they are not gone, it is, and
        // it must not adopt their sessions, which it may still reach in storage shared by the cluster.
        if (_cluster.SelfMember.Status is not (MemberStatus.Up or MemberStatus.WeaklyUp))
        {
            return;
        }

        try
        {
            MemberRemoved?.Invoke(node);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A MemberRemoved handler failed for {Node}", node);
        }
    }
}
