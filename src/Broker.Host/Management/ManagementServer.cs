using System.Net;
using Broker.Host.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Management;

/// <summary>
/// The node's management endpoint (<c>management.http.*</c>): Akka Management's cluster routes
/// (<see cref="ClusterRoutes"/>), EMQX's API (<see cref="ApiRoutes"/>)
/// and Kubernetes' probes (<see cref="HealthRoutes"/>) on a Kestrel server of its own; /api/v5 needs credentials
/// (<see cref="ApiAccessMiddleware"/>), which <c>broker ctl</c> finds in the node's <see cref="NodeCredential"/>,
/// as each listener has one, so its address fails and stops apart from the MQTT listeners. Started before them, so
/// that <c>/ready</c> answers 503 until they accept; stopped last (<see cref="BrokerRuntime.StopOnShutdown(ManagementServer)"/>).
/// </summary>
public sealed partial class ManagementServer(ManagementHttpOptions options, BrokerRuntime runtime, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ManagementServer>();
    private WebApplication? _app;

    /// <summary>Where the endpoint listens, the actual port when 0 was configured; null before the start.</summary>
    public IPEndPoint? EndPoint { get; private set; }

    /// <summary>Listens, or throws <see cref="ManagementStartException"/> naming the address.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        runtime.Access.EnsureNodeCredential();
        (_app, EndPoint) = await HttpEndpoint.StartAsync(
            new IPEndPoint(IPAddress.Parse(options.Bind), options.Port), loggerFactory, Map,
            (reason, e) => new ManagementStartException($"cannot listen on {options.Bind}:{options.Port}: {reason}", e), cancellationToken).ConfigureAwait(false);
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
        var cluster = new ClusterRoutes(runtime, _logger);
        app.MapGet("/alive", HealthRoutes.AliveAsync);
        app.MapGet("/ready", context => HealthRoutes.ReadyAsync(context, runtime));
        app.MapGet(ClusterRoutes.MembersPath, cluster.GetMembersAsync);
        app.MapPost(ClusterRoutes.MembersPath, cluster.JoinAsync);
        app.MapGet(ClusterRoutes.MembersPath + "/{**address}", cluster.GetMemberAsync);
        app.MapPut(ClusterRoutes.MembersPath + "/{**address}", cluster.PutMemberAsync);
        app.MapDelete(ClusterRoutes.MembersPath + "/{**address}", cluster.DeleteMemberAsync);
        ApiRoutes.Map(app, runtime);
        app.MapFallback(context => ManagementResponses.Message(context, StatusCodes.Status404NotFound,
            $"No route {context.Request.Method} {context.Request.Path}: see /cluster/members, /api/v5/authentication/{{id}}/users, /api/v5/authorization/sources/built_in_database/rules, /api/v5/banned, /api/v5/clients, /api/v5/subscriptions, /api/v5/nodes, /api/v5/stats, /api/v5/metrics, /api/v5/prometheus/stats, /alive, /ready"));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Management endpoint listening on http://{EndPoint} (/cluster/members, /api/v5/authentication/{{id}}/users, /api/v5/authorization/sources/built_in_database/rules, /api/v5/banned, /api/v5/clients, /api/v5/subscriptions, /api/v5/nodes, /api/v5/stats, /api/v5/metrics, /api/v5/prometheus/stats, /alive, /ready)")]
    private static partial void LogListening(ILogger logger, IPEndPoint endPoint);
}
