using Microsoft.Extensions.Logging;

namespace Broker.Host.Listeners;

/// <summary>Log lines about connections that every kind of listener writes.</summary>
internal static partial class ListenerConnections
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Listener {Listener}: connection from {Remote} ended with an error")]
    public static partial void HandlerFailed(ILogger logger, string listener, object? remote, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listener {Listener}: connection from {Remote} refused, max_connections {Maximum} reached")]
    public static partial void Refused(ILogger logger, string listener, object? remote, int maximum);
}
