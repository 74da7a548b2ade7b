using Broker.Host.Listeners;
using Broker.Host.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Commands;

/// <summary>
/// Runs the broker inside <c>broker run</c>'s host: starts the runtime and the listeners, and on
/// Ctrl+C or SIGTERM stops them in the order that lets clients learn why they are disconnected.
/// </summary>
internal sealed partial class BrokerService(BrokerOptions options, ILoggerFactory loggerFactory, ILogger<BrokerService> logger) : IHostedService
{
    private BrokerRuntime? runtime;
    private BrokerServer? server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Storage first: a broker that cannot keep sessions as configured must not accept a client.
        runtime = await BrokerRuntime.CreateAsync(options, loggerFactory, cancellationToken: cancellationToken);
        server = new BrokerServer(options.Listeners, runtime.Handler, loggerFactory);
        try
        {
            await server.StartAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            await runtime.DisposeAsync();
            server = null;
            runtime = null;
            throw;
        }
        Started(server.Listeners.Count);
    }

    /// <summary><paramref name="cancellationToken"/> is the host's shutdown deadline: connections still open then are aborted.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is null || runtime is null)
            return;
        Stopping();
        await server.StopAcceptingAsync(cancellationToken);
        await runtime.CloseConnectionsAsync(cancellationToken);
        await server.StopAsync(cancellationToken);
        await server.DisposeAsync();
        await runtime.DisposeAsync();
        Stopped();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker started, {Count} listeners")]
    private partial void Started(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker stopping: no new connections, closing the open ones")]
    private partial void Stopping();

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker stopped")]
    private partial void Stopped();
}
