using Broker.Host.Listeners;
using Broker.Host.Management;
using Broker.Host.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Commands;

/// <summary>
/// Runs the broker inside <c>broker run</c>'s host: starts the runtime and the listeners, and on
/// Ctrl+C or SIGTERM stops them in the order that lets clients learn why they are disconnected.
/// </summary>
internal sealed partial class BrokerService(
    BrokerOptions options, ILoggerFactory loggerFactory, ILogger<BrokerService> logger, IHostApplicationLifetime lifetime, ExitStatus exit,
    Configuration.LogLevelSwitch logLevel) : IHostedService
{
    private BrokerRuntime? runtime;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Storage first: a broker that cannot keep sessions as configured must not accept a client.
        runtime = await BrokerRuntime.CreateAsync(options, loggerFactory, cancellationToken: cancellationToken);
        runtime.LogLevelSwitch = logLevel;
        var server = new BrokerServer(options.Listeners, runtime.Handler, loggerFactory);
        try
        {
            // Before the listeners: /alive answers from the start, /ready says 503 until they accept.
            await StartManagementAsync(runtime, cancellationToken);
            await server.StartAsync(cancellationToken);
            await StartDashboardAsync(runtime, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            await runtime.DisposeAsync();
            runtime = null;
            throw;
        }
        runtime.StopOnShutdown(server);
        Started(server.Listeners.Count);
        if (runtime.Cluster is null && options.Cluster.DiscoveryStrategy == DiscoveryStrategy.Manual)
            NotClustered(runtime.NodeName);
        _ = StopWhenClusterLostAsync(runtime);
    }

    private async Task StartManagementAsync(BrokerRuntime started, CancellationToken cancellationToken)
    {
        if (!options.Management.Http.Enable)
        {
            return;
        }

        var management = new ManagementServer(options.Management.Http, started, loggerFactory);
        started.StopOnShutdown(management);
        await management.StartAsync(cancellationToken);
    }

    private async Task StartDashboardAsync(BrokerRuntime started, CancellationToken cancellationToken)
    {
        if (!options.Dashboard.Listeners.Http.Enable)
        {
            return;
        }

        var dashboard = new DashboardServer(options.Dashboard.Listeners.Http, started, loggerFactory);
        started.StopOnShutdown(dashboard);
        await dashboard.StartAsync(cancellationToken);
    }

    /// <summary>
    /// A node whose cluster ended for good stops serving: exit 0 when it was asked to leave (<c>broker ctl cluster
    /// leave</c>), which is what the operator wanted, or 6 when it was downed with <c>cluster.down_action = exit</c>, for
    /// its supervisor to start it again. With <c>rejoin</c> (the default) a downed node rejoins instead (BrokerRuntime.Rejoin).
    /// </summary>
    private async Task StopWhenClusterLostAsync(BrokerRuntime started)
    {
        if (!await started.ClusterEnded.ConfigureAwait(false))
        {
            return;
        }

        if (started.LeaveAsked)
        {
            LeftAsAsked();
        }
        else
        {
            ClusterLost();
            exit.Code = ExitCodes.ClusterLost;
        }

        lifetime.StopApplication();
    }

    /// <summary>
    /// The runtime's coordinated shutdown; <paramref name="cancellationToken"/> is the host's shutdown deadline, at
    /// which every step still running gives up (connections still open are aborted).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (runtime is null)
            return;
        Stopping();
        await runtime.StopAsync(cancellationToken);
        Stopped();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker started, {Count} listeners")]
    private partial void Started(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Not in a cluster (cluster.discovery_strategy = manual): `broker ctl cluster join <host:port>` joins one; this node's cluster address will be {Node}")]
    private partial void NotClustered(string node);

    [LoggerMessage(Level = LogLevel.Critical, Message = "This node is no longer a member of its cluster (the split brain resolver or an operator downed it; cluster.down_action = exit): stopping, to be started again")]
    private partial void ClusterLost();

    [LoggerMessage(Level = LogLevel.Information, Message = "This node has left its cluster, as asked: stopping")]
    private partial void LeftAsAsked();

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker stopping: no new connections, closing the open ones")]
    private partial void Stopping();

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker stopped")]
    private partial void Stopped();
}
