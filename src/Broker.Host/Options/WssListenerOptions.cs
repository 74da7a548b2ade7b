using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>MQTT over WebSocket over TLS.</summary>
public sealed class WssListenerOptions() : TlsListenerOptions(enabled: false, port: 8084)
{
    /// <summary>HTTP path of the WebSocket endpoint.</summary>
    [ConfigurationKeyName("path")]
    public string Path { get; set; } = "/mqtt";
}
