using System.Net;
using System.Net.Sockets;
using Broker.Host.Listeners.Sockets;
using Broker.Host.Options;
using Broker.Transport.Connections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Listeners;

/// <summary>
/// One configured listener (tcp, ssl, ws or wss). The tcp listener runs on the broker's own
/// <see cref="SocketListener"/> unless <c>transport = kestrel</c>; the others each on a Kestrel server
/// of its own: a bind failure then names the listener, each WebSocket listener has its own path, and
/// the live-connection count is per listener. Kestrel's connection middleware, in order: the
/// <c>max_connections</c> gate (before any TLS handshake is paid for), TLS for ssl and wss, then the MQTT
/// handler (tcp, ssl) or HTTP with the WebSocket endpoint (ws, wss).
/// </summary>
public sealed partial class MqttListener : IAsyncDisposable
{
    /// <summary>
    /// What Kestrel's socket transport buffers for one connection before a flush waits for the socket (64 KiB by
    /// default): room for a few of the writer's 256 KiB batches, so that a busy subscriber's writer rarely waits
    /// on a thread-pool hop of the socket sender.
    /// </summary>
    private const long MaxWriteBufferSize = 1024 * 1024;

    private readonly string name;
    private readonly ListenerOptions options;
    private readonly MqttConnectionHandler handler;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private readonly UnbindableListenerFactory transport;
    private WebApplication? app;
    private SocketListener? sockets;

    public MqttListener(string name, ListenerOptions options, MqttConnectionHandler handler, ILoggerFactory loggerFactory)
    {
        this.name = name;
        this.options = options;
        this.handler = handler;
        this.loggerFactory = loggerFactory;
        logger = loggerFactory.CreateLogger<MqttListener>();
        Connections = new ConnectionLimit(options.MaxConnections);
        transport = new UnbindableListenerFactory(
            new SocketTransportFactory(Microsoft.Extensions.Options.Options.Create(new SocketTransportOptions { MaxWriteBufferSize = MaxWriteBufferSize }), loggerFactory));
    }

    /// <summary>The listener's key under <c>listeners</c>.</summary>
    public string Name => name;

    public ConnectionLimit Connections { get; }

    /// <summary>Where the listener accepts connections, the actual port when 0 was configured; empty before start.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints =>
        sockets is not null ? [sockets.EndPoint] : [.. transport.BoundEndPoints.OfType<IPEndPoint>()];

    private string Address => $"{options.Bind}:{options.Port}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options is TcpListenerOptions { Transport: ListenerTransport.Sockets })
        {
            StartSockets();
            return;
        }

        var web = Build();
        try
        {
            await web.StartAsync(cancellationToken);
        }
        catch (Exception e)
        {
            await web.DisposeAsync();
            // Kestrel reports "address already in use" and its kin as IOException around the socket error.
            if (e is IOException)
                throw new ListenerStartException(name, $"cannot listen on {Address}: {(e.InnerException ?? e).Message}", e);
            throw;
        }
        app = web;
        foreach (var endpoint in EndPoints)
            Bound(name, endpoint, options is WsListenerOptions ws ? ws.Path : options is WssListenerOptions wss ? wss.Path : "");
    }

    /// <summary>Closes the listening socket; connections already accepted go on.</summary>
    public Task StopAcceptingAsync(CancellationToken cancellationToken)
    {
        if (sockets is null)
            return transport.UnbindAllAsync(cancellationToken);
        sockets.StopAccepting();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the server: connections still open are asked to close and, once
    /// <paramref name="cancellationToken"/> is cancelled, aborted; returns when all have ended.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        sockets?.StopAsync(cancellationToken) ?? app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        sockets?.Dispose();
        if (app is not null)
            await app.DisposeAsync();
    }

    private void StartSockets()
    {
        try
        {
            sockets = new SocketListener(name, new IPEndPoint(IPAddress.Parse(options.Bind), options.Port), Connections, handler, logger);
        }
        catch (SocketException e)
        {
            throw new ListenerStartException(name, $"cannot listen on {Address}: {e.Message}", e);
        }

        Bound(name, sockets.EndPoint, "");
    }

    private WebApplication Build()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "broker",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, ListenerHostLifetime>();
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration();
        builder.Services.RemoveAll<IConnectionListenerFactory>();
        builder.Services.AddSingleton<IConnectionListenerFactory>(transport);
        builder.WebHost.ConfigureKestrel(ConfigureKestrel);
        var web = builder.Build();
        if (options is WsListenerOptions or WssListenerOptions)
        {
            // MQTT has its own keep-alive: WebSocket pings would only add traffic.
            web.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
            var path = options is WsListenerOptions ws ? ws.Path : ((WssListenerOptions)options).Path;
            web.Run(new WebSocketEndpoint(name, path, handler, logger).HandleAsync);
        }
        return web;
    }

    private void ConfigureKestrel(KestrelServerOptions kestrel)
    {
        kestrel.AddServerHeader = false;
        // Kestrel's HTTP timeouts end at the upgrade (headers timeout, keep-alive between requests,
        // request body rate and size do not apply to an upgraded connection), but the response rate
        // would still cut a subscriber that reads slowly: MQTT flow control and queue limits decide that.
        kestrel.Limits.MinResponseDataRate = null;
        kestrel.Listen(IPAddress.Parse(options.Bind), options.Port, listen =>
        {
            listen.Use(LimitConnections);
            if (options is TlsListenerOptions tls)
                listen.UseHttps(ListenerTls.Options(name, tls));
            if (options is WsListenerOptions or WssListenerOptions)
                listen.Protocols = HttpProtocols.Http1;
            else
                listen.Run(ServeAsync);
        });
    }

    private ConnectionDelegate LimitConnections(ConnectionDelegate next) => async connection =>
    {
        if (!Connections.TryAcquire())
        {
            // Returning closes the socket before anything is read from it.
            ListenerConnections.Refused(logger, name, connection.RemoteEndPoint, Connections.Maximum);
            return;
        }
        try
        {
            await next(connection);
        }
        finally
        {
            Connections.Release();
        }
    };

    private async Task ServeAsync(ConnectionContext connection)
    {
        var metadata = new ConnectionMetadata(name, connection.RemoteEndPoint, connection.LocalEndPoint,
            connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate);
        var aborted = connection.ConnectionClosed;
        try
        {
            await handler(connection.Transport, metadata, aborted);
        }
        catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            ListenerConnections.HandlerFailed(logger, name, connection.RemoteEndPoint, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listener {Name} accepting connections on {EndPoint}{Path}")]
    private partial void Bound(string name, IPEndPoint endPoint, string path);
}
