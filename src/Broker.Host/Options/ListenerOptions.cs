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
}
