using Broker.Host.Listeners;
using Broker.Host.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Commands;

/// <summary>
/// Runs the broker inside <c>broker run</c>'s host: starts the runtime and the listeners, and on
/// Ctrl+C or SIGTERM stops them in the order that lets clients learn why they are disconnected.
/// </summary>
internal sealed partial class BrokerService(
    BrokerOptions options, ILoggerFactory loggerFactory, ILogger<BrokerService> logger, IHostApplicationLifetime lifetime, ExitStatus exit) : IHostedService
{
    private BrokerRuntime? runtime;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Storage first: a broker that cannot keep sessions as configured must not accept a client.
        runtime = await BrokerRuntime.CreateAsync(options, loggerFactory, cancellationToken: cancellationToken);
        var server = new BrokerServer(options.Listeners, runtime.Handler, loggerFactory);
        try
        {
            await server.StartAsync(cancellationToken);
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
        _ = StopWhenClusterLostAsync(runtime);
    }

    private async Task StopWhenClusterLostAsync(BrokerRuntime started)
    {
        if (!await started.ClusterEnded.ConfigureAwait(false))
        {
            return;
        }

        ClusterLost();
        exit.Code = ExitCodes.ClusterLost;
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

    [LoggerMessage(Level = LogLevel.Critical, Message = "This node is no longer a member of its cluster (it left, or the split brain resolver downed it): stopping, to be started again")]
    private partial void ClusterLost();

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker stopping: no new connections, closing the open ones")]
    private partial void Stopping();

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker stopped")]
    private partial void Stopped();
}
