using System.Net;
using System.Net.Sockets;

namespace Broker.Cluster.Tests;

/// <summary>
/// Ports for seed nodes, which must be known before the node starts (port 0 cannot be a seed). Taken from the OS and
/// released at once: another process could take one in between, which is rare enough for loopback tests.
/// </summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
