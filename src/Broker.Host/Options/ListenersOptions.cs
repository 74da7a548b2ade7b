using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

public sealed class ListenersOptions
{
    [ConfigurationKeyName("tcp")]
    public TcpListenerOptions Tcp { get; init; } = new();

    [ConfigurationKeyName("ssl")]
    public SslListenerOptions Ssl { get; init; } = new();

    [ConfigurationKeyName("ws")]
    public WsListenerOptions Ws { get; init; } = new();

    [ConfigurationKeyName("wss")]
    public WssListenerOptions Wss { get; init; } = new();

    /// <summary>Each listener with its key under <c>listeners</c>.</summary>
    public IEnumerable<(string Name, ListenerOptions Listener)> All() =>
        [("tcp", Tcp), ("ssl", Ssl), ("ws", Ws), ("wss", Wss)];
}
