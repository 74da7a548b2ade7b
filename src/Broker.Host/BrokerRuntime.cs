using Broker.Actors;
using Broker.Cluster;
using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Retained;
using Broker.Core.Security.Records;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Journal;
using Broker.Host.Listeners;
using Broker.Host.Metrics;
using Broker.Host.Options;
using Broker.Host.Security;
using Broker.Host.Sys;
using Broker.Host.Alarms;
using Broker.Host.Persistence;
using Broker.Mqtt;
using Broker.Transport.Connections;
using Microsoft.Extensions.Logging;

namespace Broker.Host;

/// <summary>
/// The single composition point: the one place where the broker's parts (actor system, route table,
/// dispatcher and retainer behind the router, session registry) are made, joined, and later stopped.
/// The listeners only see <see cref="Handler"/>; <c>broker run</c> drives the lifetime. Stopping is the
/// actor system's <see cref="CoordinatedShutdown"/>, whose phases each part adds its steps to:
/// <code>
///   CreateAsync (storage opened and checked) -> listeners started with Handler -> StopOnShutdown(listeners)
///   StopAsync:  service-unbind          listeners stop accepting
///               service-requests-done   DISCONNECT 0x8B to every client, written before the connection closes
///               service-stop            listeners stopped, what is still open aborted
///               actor-system-terminate  actors stopped (sessions hand their last writes to the journal),
///                                       then the storage closed (the journal commits what it was given first)
/// </code>
/// </summary>
public sealed partial class BrokerRuntime : IAsyncDisposable
{
    // Expired retained messages are never sent, but only a sweep frees their memory.
    // Expired retained messages, ended bans and old tombstones of the security records go at this pace.
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);

    // How long a node of a cluster waits, before it serves, for the cluster's retained messages (its joining takes a few
    // gossip rounds, then the snapshot): a subscription made earlier would miss them. A node that reaches no other
    // member serves after this with what it has.
    private static readonly TimeSpan RetainedSyncLimit = TimeSpan.FromSeconds(15);

    // Generous: recovery reads every stored session (16 at a time); a store that takes longer is not usable.
    private static readonly TimeSpan SessionRecoveryLimit = TimeSpan.FromMinutes(10);

    private readonly BrokerContext _context;
    private readonly ICancelable _purge;
    private readonly Retainer _retainer;
    private readonly RouteTable _routes;
    private readonly Dispatcher _dispatcher;
    private readonly BrokerOptions _options;
    private readonly bool _commitsWaitForStorage;
    private readonly ILogger _logger;

    // Cancelled at the deadline StopAsync is given: every step gives up then, whatever its phase's timeout.
    private readonly CancellationTokenSource _stopDeadline = new();
    private volatile bool _stopping;
    private volatile bool _listenersAccepting;

    private readonly SysPublisher _sys;
    private readonly AlarmMonitor _alarmMonitor;

    private BrokerRuntime(
        BrokerContext context, Retainer retainer, BrokerPersistence persistence, SecurityStore securityStore, RouteTable routes, Dispatcher dispatcher,
        BrokerOptions options, bool commitsWaitForStorage, SysMessages sysMessages)
    {
        _commitsWaitForStorage = commitsWaitForStorage;
        _context = context;
        _retainer = retainer;
        _routes = routes;
        _dispatcher = dispatcher;
        _options = options;
        Persistence = persistence;
        SecurityStore = securityStore;
        _purge = context.System.Scheduler.ScheduleRepeatedly(PurgeInterval, PurgeInterval, () =>
        {
            _ = retainer.PurgeExpiredAsync();
            securityStore.Sweep();
        });
        Handler = (transport, metadata, aborted) => MqttConnection.RunAsync(transport, metadata, context, aborted);
        _logger = context.LoggerFactory.CreateLogger<BrokerRuntime>();
        AddShutdownStep(ShutdownPhases.ServiceRequestsDone, "disconnect-clients", CloseConnectionsAsync);
        AddShutdownStep(ShutdownPhases.ActorSystemTerminate, "close-storage", CloseStorageAsync);
        var overload = context.Security.Overload is { } guard
            ? new OverloadSampler(guard, options.OverloadProtection.CheckInterval.Value, context.Time, context.LoggerFactory.CreateLogger<OverloadSampler>())
            : null;
        AddShutdownStep(ShutdownPhases.ActorSystemTerminate, "close-authenticators", _ =>
        {
            overload?.Dispose();
            context.Security.Authentication.Dispose();
            context.Security.Authorizer?.Dispose();
            return Task.CompletedTask;
        });
        Access = new Management.ApiAccess(securityStore, options, context.Time);
        LogLevelSwitch = new Configuration.LogLevelSwitch(options.Log.Level.ToLogLevel());
        Configuration = new Configuration.RuntimeConfiguration(options, ApplyLiveConfiguration, Broker.Host.Configuration.ClusterConfigFile.PathIn(options.Node.DataDir));
        Tracing = new Tracing.PacketTracing(context.Traces, Path.Combine(Path.GetFullPath(options.Node.DataDir), "trace"), context.Time);
        Statistics = new NodeStatistics(context.Metrics, context.Connections, routes, retainer.Messages, () => Cluster, () => NodeName);
        _sys = new SysPublisher(sysMessages, Statistics, options.SysTopics, context.System.Scheduler);
        Alarms = new NodeAlarms(
            new AlarmBook(sysMessages.Topics.Node, options.Alarm.SizeLimit, options.Alarm.ValidityPeriod.Value), sysMessages,
            context.LoggerFactory.CreateLogger<NodeAlarms>());
        _alarmMonitor = new AlarmMonitor(Alarms, context.Time, context.Connections, Statistics, persistence, options, context.System.Scheduler,
            context.LoggerFactory.CreateLogger<AlarmMonitor>());
        AddShutdownStep(ShutdownPhases.ServiceStop, "stop-traces-sys-and-alarms", _ =>
        {
            Tracing.Dispose();
            _sys.Dispose();
            _alarmMonitor.Dispose();
            return Task.CompletedTask;
        });
        // Last: it reads the parts above.
        Prometheus = options.Prometheus.Enable ? new PrometheusMetrics(this) : null;
    }

    /// <summary>Serves each accepted connection.</summary>
    public MqttConnectionHandler Handler { get; }

    public BrokerContext Context => _context;

    /// <summary>The users and bans changed at run time (the management API's), stored and shared with the cluster.</summary>
    public SecurityStore SecurityStore { get; }

    /// <summary>Who may use the HTTP API: dashboard users, their tokens and API keys (records of <see cref="SecurityStore"/>), and <c>broker ctl</c>'s credential.</summary>
    public Management.ApiAccess Access { get; }

    /// <summary>The storage of sessions and retained messages (memory only with durability <c>none</c>); the runtime owns it.</summary>
    public BrokerPersistence Persistence { get; }

    /// <summary>The node's metrics for Prometheus to scrape (<see cref="Management.PrometheusRoutes"/>); null when <c>prometheus.enable = false</c>.</summary>
    public PrometheusMetrics? Prometheus { get; }

    /// <summary>
    /// <c>log.level</c> now; <c>broker run</c> gives the one its logging filter reads, so that a change through
    /// <see cref="Configuration"/> takes effect. Elsewhere (tests) it changes nothing but itself.
    /// </summary>
    public Configuration.LogLevelSwitch LogLevelSwitch { get; set; }

    /// <summary>The configuration as it is now, shown and changed at run time by the management API's <c>/api/v5/configs</c>.</summary>
    public Configuration.RuntimeConfiguration Configuration { get; }

    /// <summary>The node's packet traces (the management API's <c>/api/v5/trace</c>), logged under <c>node.data_dir/trace</c>.</summary>
    internal Tracing.PacketTracing Tracing { get; }

    internal RouteTable Routes => _routes;

    /// <summary>This node's alarms: raised, cleared, listed at <c>/api/v5/alarms</c>.</summary>
    public NodeAlarms Alarms { get; }

    /// <summary>Reads what the node counts, for Prometheus, the <c>$SYS</c> topics and the alarms.</summary>
    internal NodeStatistics Statistics { get; }

    internal RetainedStore Retained => _retainer.Messages;

    private Management.Views.NodeAnswers? _answers;

    /// <summary>This node's answers to the API's cluster queries (registered on every cluster this node attaches).</summary>
    internal Management.Views.NodeAnswers Answers => LazyInitializer.EnsureInitialized(ref _answers, () => new Management.Views.NodeAnswers(this));

    /// <summary>The retained messages and their way to storage and to the cluster (the management API's retainer routes).</summary>
    internal Retainer Retainer => _retainer;

    /// <summary>
    /// Opens the storage that <c>persistence</c> configures (failing with <see cref="StorageUnavailableException"/>
    /// when it cannot be written), then composes the broker on it.
    /// </summary>
    public static async Task<BrokerRuntime> CreateAsync(
        BrokerOptions options, ILoggerFactory loggerFactory, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var persistence = await BrokerPersistence.OpenAsync(options.Persistence, options.Node, loggerFactory, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        BrokerRuntime? runtime = null;
        BrokerCluster? cluster = null;
        try
        {
            // Before the route table, whose node name is the cluster's address of this node.
            if (options.Cluster.DiscoveryStrategy is DiscoveryStrategy.Static or DiscoveryStrategy.Dns)
            {
                cluster = await StartClusterAsync(options, loggerFactory, cancellationToken).ConfigureAwait(false);
            }

            runtime = Create(options, loggerFactory, time, persistence, cluster);
            cluster = null; // the runtime's now
            var logger = loggerFactory.CreateLogger<BrokerRuntime>();
            await runtime.LoadRetainedAsync(logger, cancellationToken).ConfigureAwait(false);
            // Only now: a change from another node applied before the load would be overwritten by an older stored row.
            runtime.Cluster?.Retained.Attach(runtime._retainer);
            await runtime.LoadSecurityAsync(cancellationToken).ConfigureAwait(false);
            runtime.Access.SeedDefaultUser();
            await runtime.RecoverSessionsAsync(options.Persistence, logger, cancellationToken).ConfigureAwait(false);
            if (runtime.Cluster is { } joined)
            {
                await WaitForRetainedAsync(joined, logger, cancellationToken).ConfigureAwait(false);
            }

            // After the stored and the cluster's retained messages, which would cover these with older ones.
            runtime._sys.PublishStartup();
            return runtime;
        }
        catch
        {
            if (runtime is not null)
            {
                await runtime.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await persistence.DisposeAsync().ConfigureAwait(false);
            }

            if (cluster is not null)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static Task<BrokerCluster> StartClusterAsync(BrokerOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken) =>
        StartClusterAsync(options, options.Cluster.ToSettings(options.Node, options.Mqtt), loggerFactory, cancellationToken);

    private static async Task<BrokerCluster> StartClusterAsync(
        BrokerOptions options, ClusterSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        try
        {
            return await BrokerCluster.StartAsync(settings, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new ClusterStartException($"{e.Message} (cluster.bind {options.Cluster.Bind}, cluster.port {options.Cluster.Port})", e);
        }
    }

    /// <summary>
    /// Makes the keys that <see cref="Configuration.RuntimeConfiguration.LiveKeys"/> lists take effect: the log level at
    /// once, the limits a connection takes at its start for the next connections (those open keep theirs).
    /// </summary>
    private void ApplyLiveConfiguration(BrokerOptions options)
    {
        LogLevelSwitch.Level = options.Log.Level.ToLogLevel();
        var live = options.Mqtt.ToSettings();
        _context.Settings = _context.Settings with
        {
            MaxPacketSize = live.MaxPacketSize,
            MaxClientIdLength = live.MaxClientIdLength,
            MaxTopicLevels = live.MaxTopicLevels,
            TopicAliasMaximum = live.TopicAliasMaximum,
            RetainAvailable = live.RetainAvailable,
            WildcardSubscriptionAvailable = live.WildcardSubscriptionAvailable,
            SharedSubscriptionAvailable = live.SharedSubscriptionAvailable,
            MaxSessionExpirySeconds = live.MaxSessionExpirySeconds,
            KeepAliveMultiplier = live.KeepAliveMultiplier,
            ServerKeepAlive = live.ServerKeepAlive,
            IdleTimeout = live.IdleTimeout,
            StrictMode = live.StrictMode,
        };
    }

    /// <summary>The retained messages kept in storage, before any listener opens: a new subscription must find them.</summary>
    private async Task LoadRetainedAsync(ILogger logger, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (await _retainer.LoadAsync(cancellationToken).ConfigureAwait(false) is not { } result)
        {
            return;
        }

        LogRetainedLoaded(logger, result.Loaded, result.Expired, result.Unreadable, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Waits, bounded, until this node has the cluster's retained messages, so that its first subscribers get them.</summary>
    private static async Task WaitForRetainedAsync(BrokerCluster cluster, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await cluster.Retained.WhenSynchronized.WaitAsync(RetainedSyncLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogRetainedNotSynchronized(logger, RetainedSyncLimit.TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster's retained messages did not arrive within {Seconds} s; serving with this node's own (subscriptions made before they arrive miss them)")]
    private static partial void LogRetainedNotSynchronized(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Loaded} retained messages from storage ({Expired} expired, {Unreadable} unreadable, deleted) in {Milliseconds:F0} ms")]
    private static partial void LogRetainedLoaded(ILogger logger, int loaded, int expired, int unreadable, double milliseconds);

    /// <summary>
    /// Starts every session kept in storage and waits until each has its subscriptions back in the router: a
    /// message published before would miss its offline durable subscribers. Before any listener opens.
    /// </summary>
    private async Task RecoverSessionsAsync(PersistenceOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (!Persistence.IsDurable)
        {
            return;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var recovered = await _context.Sessions.Ask<SessionsRecovered>(RecoverSessions.Instance, SessionRecoveryLimit, cancellationToken)
            .ConfigureAwait(false);
        if (recovered.Failure is { } failure)
        {
            var setting = options.Backend == PersistenceBackend.Postgresql ? "persistence.postgresql.connection_string" : "persistence.sqlite.path";
            throw new StorageUnavailableException(setting, $"stored sessions could not be read ({failure.Message})", failure);
        }

        LogSessionsRecovered(logger, recovered.Recovered, recovered.Failed, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered {Sessions} sessions from storage ({Failed} could not be) in {Milliseconds:F0} ms")]
    private static partial void LogSessionsRecovered(ILogger logger, int sessions, int failed, double milliseconds);

    /// <param name="persistence">Storage opened by the caller, which the runtime then owns; null: memory only, whatever <c>options.Persistence</c> says.</param>
    /// <param name="cluster">
    /// The node's cluster, started by the caller, which the runtime then owns; null: a node of its own. Other nodes'
    /// retained changes are applied once <see cref="CreateAsync"/> has loaded the stored ones.
    /// </param>
    public static BrokerRuntime Create(
        BrokerOptions options, ILoggerFactory loggerFactory, TimeProvider? time = null, BrokerPersistence? persistence = null, BrokerCluster? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        persistence ??= BrokerPersistence.MemoryOnly();
        var settings = options.Mqtt.ToSettings();
        // Each stored session names its node (its cluster address): in PostgreSQL shared by the cluster a node starts its
        // own, and adopts those of a node removed from the cluster (Core/Sessions/SessionRegistry.Adoption.cs).
        var nodeName = cluster?.NodeName ?? LateClusterNodeName(options);
        var storage = persistence.IsDurable
            ? new SessionStorage(
                persistence.Durability.ToSessionDurability(),
                nodeName is null ? null : SessionStorage.OwnerKeyOf(nodeName),
                Shared: nodeName is not null && persistence.Backend == PersistenceBackend.Postgresql)
            : SessionStorage.None;
        if (persistence.IsDurable)
        {
            SessionEventSerializer.RegisterAll(persistence.Serializers);
        }

        var system = ActorSystem.Create("broker", ActorSystemSettings.Default with { TimeProvider = time ?? TimeProvider.System });
        // Before the first actor that may be persistent: they find their stores in the system.
        persistence.Install(system);
        var metrics = new BrokerMetrics();
        var routes = new RouteTable(nodeName ?? options.Node.Name);
        var retainer = new Retainer(
            system.Settings.TimeProvider,
            persistence.State is { } state ? new RetainedMessagePersistence(state, loggerFactory.CreateLogger<RetainedMessagePersistence>()) : null,
            cluster?.Retained);
        var dispatcher = new Dispatcher(routes, settings.SharedSubscriptionStrategy, metrics);
        var router = new Router(routes, dispatcher, retainer, system.Settings.TimeProvider, metrics);
        var securityStore = new SecurityStore(persistence.State, system.Settings.TimeProvider, loggerFactory.CreateLogger<SecurityStore>());
        var security = BrokerSecurity.Build(options, securityStore, system.Settings.TimeProvider, loggerFactory.CreateLogger(typeof(BrokerSecurity)));
        var sessions = system.ActorOf(SessionRegistry.Props(router, settings, metrics, loggerFactory, storage), "sessions");
        var sysMessages = new SysMessages(router, system.Settings.TimeProvider, new SysTopics(routes.NodeName));
        var runtime = new BrokerRuntime(new BrokerContext
        {
            Events = SysClientEvents.Create(sysMessages, options.SysTopics.SysEventMessages, loggerFactory.CreateLogger<SysClientEvents>()),
            Security = security,
            Limits = options.Listeners.ToLimits(system.Settings.TimeProvider),
            System = system,
            Sessions = sessions,
            Router = router,
            Settings = settings,
            Metrics = metrics,
            LoggerFactory = loggerFactory,
        }, retainer, persistence, securityStore, routes, dispatcher, options, storage.Durability == SessionDurability.Sync, sysMessages);
        if (cluster is not null)
        {
            runtime.AttachCluster(cluster);
        }

        return runtime;
    }

    /// <summary>
    /// Adds the listeners' steps to the shutdown, once they have started: they stop accepting first, and stop
    /// (aborting what is still open) once every client has been told.
    /// </summary>
    public void StopOnShutdown(BrokerServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _listenersAccepting = !_stopping;
        AddShutdownStep(ShutdownPhases.ServiceUnbind, "stop-accepting", server.StopAcceptingAsync);
        AddShutdownStep(ShutdownPhases.ServiceStop, "stop-listeners", async deadline =>
        {
            await server.StopAsync(deadline).ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Stops the management endpoint last, once the actors are stopping: until then it answers, <c>/ready</c> with
    /// 503 (see <see cref="NotReadyReason"/>).
    /// </summary>
    public void StopOnShutdown(Management.ManagementServer management)
    {
        ArgumentNullException.ThrowIfNull(management);
        AddShutdownStep(ShutdownPhases.ActorSystemTerminate, "stop-management", async deadline =>
        {
            await management.StopAsync(deadline).ConfigureAwait(false);
            await management.DisposeAsync().ConfigureAwait(false);
        });
    }

    /// <summary>Stops the dashboard listener with the management endpoint: the API answers as long as the node does.</summary>
    public void StopOnShutdown(Management.DashboardServer dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        AddShutdownStep(ShutdownPhases.ActorSystemTerminate, "stop-dashboard", async deadline =>
        {
            await dashboard.StopAsync(deadline).ConfigureAwait(false);
            await dashboard.DisposeAsync().ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Why this node should get no traffic (Kubernetes' readiness), or null when it should: its listeners accept
    /// connections and, when it is in a cluster, it is an Up member (or WeaklyUp, which Akka Management counts too).
    /// </summary>
    public string? NotReadyReason
    {
        get
        {
            if (!_listenersAccepting)
            {
                return _stopping ? "the node is stopping" : "the listeners are not accepting connections yet";
            }

            if (_outOfCluster is { } outOfCluster)
            {
                return outOfCluster;
            }

            if (Cluster is not { } cluster)
            {
                return null;
            }

            if (cluster.Terminated.IsCompleted)
            {
                return "the node is no longer a cluster member";
            }

            var status = cluster.Members.SelfStatus;
            return status is ClusterMemberStatus.Up or ClusterMemberStatus.WeaklyUp
                ? null
                : $"the node is not an Up cluster member ({status?.ToString() ?? "not joined yet"})";
        }
    }

    /// <summary>
    /// Runs the coordinated shutdown, or joins the one under way. Each step gives up at its phase's timeout or at
    /// <paramref name="deadline"/>, whichever comes first.
    /// </summary>
    public async Task StopAsync(CancellationToken deadline)
    {
        _stopping = true;
        _listenersAccepting = false;
        await WaitForJoinAsync(deadline).ConfigureAwait(false);
        using var registration = deadline.Register(static s => ((CancellationTokenSource)s!).Cancel(), _stopDeadline);
        await _context.System.CoordinatedShutdown.RunAsync(new UnknownReason()).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private void AddShutdownStep(string phase, string name, Func<CancellationToken, Task> step) =>
        _context.System.CoordinatedShutdown.AddTask(phase, name, async timeout =>
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(timeout, _stopDeadline.Token);
            try
            {
                await step(deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!deadline.IsCancellationRequested)
            {
                LogShutdownStepFailed(_logger, phase, name, e);
                throw;
            }
        });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown step {Phase}/{Step} failed; the shutdown goes on")]
    private static partial void LogShutdownStepFailed(ILogger logger, string phase, string step, Exception cause);

    /// <summary>
    /// Once the listeners accept no more connections: each live connection sends DISCONNECT 0x8B Server
    /// shutting down (5.0 clients; 3.x ones are just closed), flushes it, and ends. Returns when they have,
    /// or at the deadline.
    /// </summary>
    private async Task CloseConnectionsAsync(CancellationToken deadline)
    {
        var close = _context.Connections.CloseAllAsync(ReasonCode.ServerShuttingDown, Timeout.InfiniteTimeSpan);
        await ((Task)close.WaitAsync(deadline)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// The storage closes once no actor can write to it any more (or at the deadline): the journal commits what
    /// it was given first. The retained sweep, which writes too, stops at once.
    /// </summary>
    private async Task CloseStorageAsync(CancellationToken deadline)
    {
        _purge.Cancel();
        await _context.System.WhenTerminated.WaitAsync(deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Persistence.DisposeAsync().ConfigureAwait(false);
    }
}
