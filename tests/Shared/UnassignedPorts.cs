using System.Net;
using System.Net.Sockets;

namespace Broker.Tests;

/// <summary>
/// Loopback ports for what must be known before it binds (a seed node's cluster port, a port named on a command line).
/// They come from below the kernel's ephemeral range (32768 and up here), which the kernel never hands to a bind of
/// port 0: a port taken from the OS and released at once could be given to another test's listener before ours binds
/// it. Each process walks the range from a random start, and skips a port that is in use now (TCP or UDP).
/// </summary>
public static class UnassignedPorts
{
    private const int First = 20_000;
    private const int Count = 12_000;

    private static int _next = Random.Shared.Next(Count);

    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port in {First}-{First + Count - 1}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var tcp = new TcpListener(IPAddress.Loopback, port);
            tcp.Start();
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
