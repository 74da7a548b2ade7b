using System.Net;
using System.Net.Sockets;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// Connections that send garbage: random bytes, and valid packet sequences with bytes flipped, cut short,
/// given absurd remaining lengths, or sent out of order. Bounded in time and in connection count; every choice
/// comes from a seeded <see cref="Random"/>, so a failing run can be replayed with its seed.
/// </summary>
public static class HostileTraffic
{
    public sealed record Report(int Connections, long BytesSent, int ClosedByBroker, int Refused);

    public static async Task<Report> RunAsync(IPEndPoint broker, int seed, int parallel, TimeSpan duration, int maxConnections)
    {
        using var stop = new CancellationTokenSource(duration);
        var budget = maxConnections;
        var connections = 0;
        long bytes = 0;
        var closed = 0;
        var refused = 0;
        var workers = Enumerable.Range(0, parallel).Select(worker => Task.Run(async () =>
        {
            var random = new Random(unchecked(seed * 31 + worker));
            while (!stop.IsCancellationRequested && Interlocked.Decrement(ref budget) >= 0)
            {
                Interlocked.Increment(ref connections);
                var outcome = await OneConnectionAsync(broker, random, worker, stop.Token);
                Interlocked.Add(ref bytes, outcome.Sent);
                if (outcome.ClosedByBroker)
                    Interlocked.Increment(ref closed);
                if (outcome.Refused)
                    Interlocked.Increment(ref refused);
            }
        }));
        await Task.WhenAll(workers);
        return new Report(connections, bytes, closed, refused);
    }

    private readonly record struct Outcome(long Sent, bool ClosedByBroker, bool Refused);

    private static async Task<Outcome> OneConnectionAsync(IPEndPoint broker, Random random, int worker, CancellationToken stop)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // Some connections end with a reset rather than a FIN, as a crashed device's would.
        if (random.Next(4) == 0)
            socket.LingerState = new LingerOption(true, 0);
        long sent = 0;
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(stop);
            connect.CancelAfter(TimeSpan.FromSeconds(2));
            await socket.ConnectAsync(broker, connect.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return new Outcome(0, false, true);
        }
        try
        {
            foreach (var chunk in Garbage(random, worker))
            {
                await socket.SendAsync(chunk, SocketFlags.None);
                sent += chunk.Length;
            }
            // Read what the broker answers (CONNACK, DISCONNECT, nothing) until it closes or 200 ms pass.
            var buffer = new byte[4096];
            using var read = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, read.Token) > 0)
            {
            }
            return new Outcome(sent, true, false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return new Outcome(sent, false, false);
        }
    }

    private static IEnumerable<byte[]> Garbage(Random random, int worker)
    {
        var v5 = random.Next(2) == 0;
        var id = $"hostile-{worker}-{random.Next(1000)}";
        var valid = new List<byte[]>
        {
            MqttBytes.Connect(id, v5),
            MqttBytes.Subscribe((ushort)random.Next(1, 65536), $"hostile/{worker}/#", v5),
            MqttBytes.Publish((ushort)random.Next(1, 65536), $"hostile/{worker}/x", RandomBytes(random, random.Next(64)), v5),
            MqttBytes.PingReq(),
        };
        switch (random.Next(7))
        {
            case 0: // Pure noise.
                yield return RandomBytes(random, random.Next(1, 2048));
                break;
            case 1: // Valid sequence, a few bytes flipped somewhere.
                var flipped = valid.SelectMany(p => p).ToArray();
                for (var i = random.Next(1, 4); i > 0; i--)
                    flipped[random.Next(flipped.Length)] ^= (byte)random.Next(1, 256);
                yield return flipped;
                break;
            case 2: // Valid sequence cut short.
                var whole = valid.SelectMany(p => p).ToArray();
                yield return whole[..random.Next(1, whole.Length)];
                break;
            case 3: // A packet announcing the largest remaining length, then little.
                yield return [valid[0][0], 0xFF, 0xFF, 0xFF, 0x7F, .. RandomBytes(random, random.Next(256))];
                break;
            case 4: // A remaining length of five bytes, which the variable byte integer forbids.
                yield return [0x10, 0x80, 0x80, 0x80, 0x80, 0x01];
                break;
            case 5: // Out of order: PUBLISH before CONNECT, or CONNECT twice [MQTT-3.1.0-2].
                yield return random.Next(2) == 0 ? valid[2] : [.. valid[0], .. valid[0]];
                break;
            default: // Valid, sent one byte at a time, with noise after it.
                foreach (var b in valid.SelectMany(p => p))
                    yield return [b];
                yield return RandomBytes(random, random.Next(1, 64));
                break;
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
