using Broker.Actors;
using Broker.Host.Listeners;
using Broker.Host.Options;
using Broker.Transport.Connections;
using Broker.Transport.Messaging;
using Broker.Transport.Mqtt;
using Broker.Transport.Routing;
using Broker.Transport.Sessions;
using Microsoft.Extensions.Logging;

namespace Broker.Host;

/// <summary>
/// The single composition point: the one place where the broker's parts (actor system, router,
/// session registry) are made, joined, and later stopped. The listeners only see
/// <see cref="Handler"/>; <c>broker run</c> drives the lifetime:
/// <code>
///   Create -> listeners started with Handler
///   shutdown: listeners stop accepting -> CloseConnectionsAsync -> listeners stopped -> DisposeAsync
/// </code>
/// </summary>
public sealed class BrokerRuntime : IAsyncDisposable
{
    // Expired retained messages are never sent, but only a sweep frees their memory.
    private static readonly TimeSpan RetainedPurgeInterval = TimeSpan.FromMinutes(1);

    private readonly BrokerContext _context;
    private readonly ICancelable _retainedPurge;

    private BrokerRuntime(BrokerContext context, RetainedStore retained)
    {
        _context = context;
        _retainedPurge = context.System.Scheduler.ScheduleRepeatedly(RetainedPurgeInterval, RetainedPurgeInterval,
            () => retained.PurgeExpired(context.Time.GetUtcNow().ToUnixTimeMilliseconds()));
        Handler = (transport, metadata, aborted) => MqttConnection.RunAsync(transport, metadata, context, aborted);
    }

    /// <summary>Serves each accepted connection.</summary>
    public MqttConnectionHandler Handler { get; }

    public BrokerContext Context => _context;

    public static BrokerRuntime Create(BrokerOptions options, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var settings = options.Mqtt.ToSettings();
        var system = ActorSystem.Create("broker", ActorSystemSettings.Default with { TimeProvider = time ?? TimeProvider.System });
        var metrics = new BrokerMetrics();
        var router = new Router(options.Node.Name, settings.SharedSubscriptionStrategy, system.Settings.TimeProvider, metrics);
        var sessions = system.ActorOf(SessionRegistry.Props(router, settings, metrics, loggerFactory), "sessions");
        return new BrokerRuntime(new BrokerContext
        {
            System = system,
            Sessions = sessions,
            Router = router,
            Settings = settings,
            Metrics = metrics,
            LoggerFactory = loggerFactory,
        }, router.Retained);
    }

    /// <summary>
    /// Called once the listeners accept no more connections: each live connection sends DISCONNECT
    /// 0x8B Server shutting down (5.0 clients; 3.x ones are just closed), flushes it, and ends.
    /// Returns when they have, or when <paramref name="cancellationToken"/> gives up waiting.
    /// </summary>
    public async Task CloseConnectionsAsync(CancellationToken cancellationToken)
    {
        var close = _context.Connections.CloseAllAsync(ReasonCode.ServerShuttingDown, Timeout.InfiniteTimeSpan);
        await ((Task)close.WaitAsync(cancellationToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Stops the actor system (its coordinated shutdown), after the connections are gone.</summary>
    public async ValueTask DisposeAsync()
    {
        _retainedPurge.Cancel();
        await _context.System.Terminate().ConfigureAwait(false);
    }
}
