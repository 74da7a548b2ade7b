using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>What every listener has: whether it runs, where it binds, how many connections it takes.</summary>
public abstract class ListenerOptions
{
    private protected ListenerOptions(bool enabled, int port)
    {
        Enabled = enabled;
        Port = port;
    }

    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>IP address to listen on; 0.0.0.0 for every IPv4 interface, :: for every IPv6 one.</summary>
    [ConfigurationKeyName("bind")]
    public string Bind { get; set; } = "0.0.0.0";

    [ConfigurationKeyName("port")]
    public int Port { get; set; }

    /// <summary>Connections beyond this are refused at accept.</summary>
    [ConfigurationKeyName("max_connections")]
    public int MaxConnections { get; set; } = 1_024_000;

    /// <summary>New connections a second this listener starts serving; the others wait their turn. 0: no limit.</summary>
    [ConfigurationKeyName("max_conn_rate")]
    public int MaxConnRate { get; set; }

    /// <summary>PUBLISH packets a second each client may send before its socket is read more slowly. 0: no limit.</summary>
    [ConfigurationKeyName("messages_rate")]
    public int MessagesRate { get; set; }

    /// <summary>How many of them may come at once; 0: one second's worth.</summary>
    [ConfigurationKeyName("messages_burst")]
    public int MessagesBurst { get; set; }

    /// <summary>Bytes a second each client may send before its socket is read more slowly. 0: no limit.</summary>
    [ConfigurationKeyName("bytes_rate")]
    public ByteSize BytesRate { get; set; }

    /// <summary>How many may come at once; 0: one second's worth.</summary>
    [ConfigurationKeyName("bytes_burst")]
    public ByteSize BytesBurst { get; set; }
}
