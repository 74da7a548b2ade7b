using Broker.Host.Options;

namespace Broker.Host.Tests.EndToEnd.Support;

/// <summary>Options for a broker a test starts in its process: the defaults, with only the TCP listener, on loopback and any free port.</summary>
internal static class LoopbackOptions
{
    public static BrokerOptions TcpOnly()
    {
        var options = new BrokerOptions();
        foreach (var (_, listener) in options.Listeners.All())
        {
            listener.Enabled = false;
            listener.Bind = "127.0.0.1";
            listener.Port = 0;
        }

        options.Listeners.Tcp.Enabled = true;
        return options;
    }
}
