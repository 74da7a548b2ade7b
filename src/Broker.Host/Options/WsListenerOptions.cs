using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>MQTT over WebSocket.</summary>
public sealed class WsListenerOptions() : ListenerOptions(enabled: true, port: 8083)
{
    /// <summary>HTTP path of the WebSocket endpoint.</summary>
    [ConfigurationKeyName("path")]
    public string Path { get; set; } = "/mqtt";
}
