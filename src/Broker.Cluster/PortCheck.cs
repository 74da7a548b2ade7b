using System.Net;
using System.Net.Sockets;

namespace Broker.Cluster;

/// <summary>
/// Refuses a remoting port that another process already listens on. Akka's transport binds with .NET's ReuseAddress,
/// which on Linux is SO_REUSEPORT too: a second node would bind the same port and the kernel would split connections
/// between the two. This probe binds with SO_REUSEADDR alone, which a live listener refuses but a restarted node's
/// connections left in TIME_WAIT do not, so a quick restart still binds.
/// </summary>
internal static class PortCheck
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    public static void EnsureFree(string host, int port)
    {
        if (port == 0 || !OperatingSystem.IsLinux())
        {
            return;
        }

        var addresses = IPAddress.TryParse(host, out var ip) ? [ip] : Dns.GetHostAddresses(host);
        foreach (var address in addresses)
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            try
            {
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(1);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new InvalidOperationException($"The cluster port {host}:{port} is already in use.", e);
            }
        }
    }
}
