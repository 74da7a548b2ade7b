using System.Net;
using Broker.Transport.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Listeners;

/// <summary>
/// The HTTP side of a ws or wss listener: one path, WebSocket upgrades only, subprotocol
/// <c>mqtt</c> [MQTT-6.0.0-3] chosen and sent back [MQTT-6.0.0-4]; the socket then serves MQTT
/// through a <see cref="WebSocketDuplexPipe"/>.
/// </summary>
internal sealed partial class WebSocketEndpoint(string listener, string path, MqttConnectionHandler handler, ILogger logger)
{
    /// <summary>What MQTT 3.1.1 and 5.0 clients ask for [MQTT-6.0.0-3].</summary>
    public const string Subprotocol = "mqtt";

    /// <summary>What MQTT 3.1 clients (and old Paho JavaScript) ask for.</summary>
    public const string LegacySubprotocol = "mqttv3.1";

    /// <summary>The subprotocol to answer with, or null when the client offers none of ours.</summary>
    public static string? SelectSubprotocol(IEnumerable<string> requested)
    {
        string? legacy = null;
        foreach (var offered in requested)
        {
            if (string.Equals(offered, Subprotocol, StringComparison.OrdinalIgnoreCase))
                return Subprotocol;
            if (string.Equals(offered, LegacySubprotocol, StringComparison.OrdinalIgnoreCase))
                legacy = LegacySubprotocol;
        }
        return legacy;
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.Request.Path.Equals(path, StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "websocket";
            return;
        }
        var subprotocol = SelectSubprotocol(context.WebSockets.WebSocketRequestedProtocols);
        if (subprotocol is null)
        {
            NoSubprotocol(listener, context.Connection.RemoteIpAddress, string.Join(", ", context.WebSockets.WebSocketRequestedProtocols));
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = subprotocol });
        var pipe = new WebSocketDuplexPipe(socket);
        var aborted = context.RequestAborted;
        var pumping = pipe.RunAsync(aborted);
        try
        {
            await handler(pipe, Metadata(context), aborted);
        }
        catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            ListenerConnections.HandlerFailed(logger, listener, context.Connection.RemoteIpAddress, e);
        }
        finally
        {
            await pipe.Output.CompleteAsync();
            await pipe.Input.CompleteAsync();
            await pumping;
        }
    }

    private ConnectionMetadata Metadata(HttpContext context)
    {
        var connection = context.Connection;
        return new ConnectionMetadata(
            listener,
            connection.RemoteIpAddress is { } remote ? new IPEndPoint(remote, connection.RemotePort) : null,
            connection.LocalIpAddress is { } local ? new IPEndPoint(local, connection.LocalPort) : null,
            connection.ClientCertificate);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listener {Listener}: WebSocket from {Remote} refused, no mqtt subprotocol among [{Offered}]")]
    private partial void NoSubprotocol(string listener, IPAddress? remote, string offered);
}
