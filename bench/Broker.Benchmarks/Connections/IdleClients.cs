using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Broker.Benchmarks.Connections;

/// <summary>
/// The client side of <see cref="IdleConnectionMemory"/>, in a process of its own so that the broker's
/// process holds only the broker's sockets (the open-file limit is per process). Opens
/// <c>count</c> raw MQTT 3.1.1 connections (clean session, keep-alive 60, client ids <c>c-000001</c>...),
/// each CONNECT answered by a CONNACK before it counts; prints <c>ready</c>, then holds the sockets idle
/// until its standard input closes.
/// </summary>
internal static class IdleClients
{
    private const int Concurrency = 64;

    public static async Task<int> RunAsync(int port, int count)
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        var sockets = new Socket[count];
        var next = -1;
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                sockets[i] = await ConnectAsync(endPoint, $"c-{i:D6}");
            }
        });
        await Task.WhenAll(workers);
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        return 0;
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint endPoint, string clientId)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        await socket.SendAsync(Connect(clientId));
        var connAck = new byte[4];
        var read = 0;
        while (read < connAck.Length)
        {
            var n = await socket.ReceiveAsync(connAck.AsMemory(read));
            if (n == 0)
            {
                throw new InvalidOperationException($"{clientId}: the broker closed the connection before CONNACK");
            }

            read += n;
        }

        if (connAck[0] != 0x20 || connAck[3] != 0)
        {
            throw new InvalidOperationException($"{clientId}: CONNACK {Convert.ToHexString(connAck)}");
        }

        return socket;
    }

    /// <summary>CONNECT, MQTT 3.1.1: protocol name, level 4, flags Clean Session, keep-alive 60, client id.</summary>
    private static byte[] Connect(string clientId)
    {
        var id = System.Text.Encoding.ASCII.GetBytes(clientId);
        byte[] variable = [0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04, 0x02, 0x00, 60];
        var remaining = variable.Length + 2 + id.Length;
        return [0x10, (byte)remaining, .. variable, (byte)(id.Length >> 8), (byte)id.Length, .. id];
    }

    public static int ParseInt(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
