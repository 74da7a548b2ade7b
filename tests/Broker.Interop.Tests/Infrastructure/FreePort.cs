using System.Net;
using System.Net.Sockets;

namespace Broker.Interop.Tests.Infrastructure;

public static class FreePort
{
    /// <summary>
    /// A loopback port nobody listens on now. Another process may take it before the broker binds it;
    /// the broker then fails to start and the fixture reports its output, which names the port.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
