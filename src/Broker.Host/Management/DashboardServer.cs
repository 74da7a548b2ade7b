using System.Net;
using Broker.Host.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Management;

/// <summary>
/// EMQX's dashboard listener (<c>dashboard.listeners.http</c>, 0.0.0.0:18083 by default): EMQX 5's HTTP API under
/// <c>/api/v5</c> (<see cref="ApiRoutes"/>, every route behind <see cref="ApiAccessMiddleware"/>), <c>GET /status</c>,
/// and the dashboard's single-page application at <c>/</c>. A Kestrel server of its own, as the management endpoint
/// has, so its address fails and stops apart; started after the MQTT listeners, stopped with the management endpoint
/// (<see cref="BrokerRuntime.StopOnShutdown(DashboardServer)"/>).
/// </summary>
public sealed partial class DashboardServer(DashboardHttpOptions options, BrokerRuntime runtime, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<DashboardServer>();
    private WebApplication? _app;

    /// <summary>Where the listener listens, the actual port when 0 was configured; null before the start.</summary>
    public IPEndPoint? EndPoint { get; private set; }

    /// <summary>Listens, or throws <see cref="DashboardStartException"/> naming the key and the address.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bind = options.EndPoint() ?? throw new DashboardStartException($"bind \"{options.Bind}\" is not a port or ip:port");
        (_app, EndPoint) = await HttpEndpoint.StartAsync(
            bind, loggerFactory, Map,
            (reason, e) => new DashboardStartException($"cannot listen on {bind} (bind = \"{options.Bind}\"): {reason}", e), cancellationToken).ConfigureAwait(false);
        LogListening(_logger, EndPoint);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Map(WebApplication app)
    {
        ApiAccessMiddleware.Use(app, runtime.Access);
        app.MapGet(StatusRoutes.Path, context => StatusRoutes.StatusAsync(context, runtime));
        ApiRoutes.Map(app, runtime);
        // An unknown /api path answers EMQX's JSON 404; every other path is the dashboard's to serve.
        app.MapFallback(ApiAccessMiddleware.ApiPrefix + "/{**rest}", context => ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND",
            $"No route {context.Request.Method} {context.Request.Path}"));
        // The dashboard's single-page application: / and /assets only, its pages being hash routes (/#/clients), so
        // that no fallback of its own can answer an /api or /status path.
        Dashboard.DashboardRoutes.Map(app);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dashboard listener (dashboard.listeners.http) on http://{EndPoint}: the dashboard at /, /api/v5, /status")]
    private static partial void LogListening(ILogger logger, IPEndPoint endPoint);
}
