using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>Plain MQTT over TCP.</summary>
public sealed class TcpListenerOptions() : ListenerOptions(enabled: true, port: 1883)
{
    [ConfigurationKeyName("transport")]
    public ListenerTransport Transport { get; set; } = ListenerTransport.Sockets;
}
