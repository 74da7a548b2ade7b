namespace Broker.Host.Bench;

/// <summary>
/// Keeps idle bench connections alive: every half keep-alive, a PINGREQ on each connection that sent nothing for
/// that long, so the broker does not close them after 1.5 x keep-alive [MQTT-3.1.2-24]. One loop for all
/// connections, not a timer each.
/// </summary>
public static class KeepAlivePinger
{
    public static async Task RunAsync(Func<IReadOnlyList<BenchConnection>> connections, ushort keepAliveSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connections);
        if (keepAliveSeconds == 0)
            return;
        var half = TimeSpan.FromSeconds(Math.Max(1, keepAliveSeconds / 2.0));
        using var timer = new PeriodicTimer(half);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var connection in connections())
                {
                    try
                    {
                        await connection.PingIfIdleAsync((long)half.TotalMilliseconds, cancellationToken);
                    }
                    catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                    {
                        connection.MarkClosed();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
