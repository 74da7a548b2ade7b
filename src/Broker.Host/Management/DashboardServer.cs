using System.Net;
using Broker.Host.Listeners;
using Broker.Host.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
        var app = Build(bind);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            // Kestrel reports "address already in use" and its kin as IOException around the socket error.
            if (e is IOException)
            {
                throw new DashboardStartException($"cannot listen on {bind} (bind = \"{options.Bind}\"): {(e.InnerException ?? e).Message}", e);
            }

            throw;
        }

        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        EndPoint = new IPEndPoint(bind.Address, new Uri(address).Port);
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

    private WebApplication Build(IPEndPoint bind)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "broker",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<ILoggerFactory>(new WarningsOnlyLoggerFactory(loggerFactory));
        // The broker's host decides when the listener stops, not Ctrl+C or SIGTERM.
        builder.Services.AddSingleton<IHostLifetime, ListenerHostLifetime>();
        builder.Services.AddRouting();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(bind);
        });
        var app = builder.Build();
        Map(app);
        return app;
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
