using System.Diagnostics;
using System.Net;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Bench;

/// <summary>
/// Opens the run's connections: at --conn-rate per second (0: as fast as the broker answers), at most
/// <see cref="MaxPending"/> handshakes at a time, each socket bound to the next --source-ips address. Counts
/// successes and failures, and the time from the first connect to the last CONNACK for connections per second.
/// </summary>
public sealed class BenchConnector(BenchOptions options, BenchTarget target, BenchErrors errors)
{
    /// <summary>Enough handshakes in flight to keep a broker busy without filling its accept backlog.</summary>
    public const int MaxPending = 256;

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);

    private int _nextSource;
    private long _firstStart;
    private long _lastConnAck;
    private int _succeeded;
    private int _failed;

    public int Succeeded => Volatile.Read(ref _succeeded);

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Connections per second from the first connect to the last CONNACK; 0 before two events.</summary>
    public double ConnectionsPerSecond
    {
        get
        {
            var first = Interlocked.Read(ref _firstStart);
            var last = Interlocked.Read(ref _lastConnAck);
            var seconds = first == 0 || last <= first ? 0 : Stopwatch.GetElapsedTime(first, last).TotalSeconds;
            return seconds > 0 ? Succeeded / seconds : 0;
        }
    }

    /// <param name="subscriber">Whether the connection subscribes: subscribers may keep a session past the connection (--sub-clean, --sub-session-expiry).</param>
    public ConnectPacket ConnectPacket(string clientId, bool subscriber = false) => new()
    {
        ProtocolVersion = options.Version,
        ClientId = clientId,
        CleanStart = subscriber ? options.SubscriberClean ?? options.Clean : options.Clean,
        KeepAlive = options.KeepAliveSeconds,
        Properties = subscriber && options.SubscriberSessionExpiry > 0
            ? new MqttProperties { SessionExpiryInterval = options.SubscriberSessionExpiry }
            : MqttProperties.Empty,
    };

    /// <exception cref="BenchConnectException">This connection failed (also counted).</exception>
    public async Task<BenchConnection> OpenAsync(string clientId, bool bulk, bool subscriber, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HandshakeTimeout);
        return await OpenAsync(clientId, bulk, subscriber, timeout.Token, cancellationToken);
    }

    /// <param name="handshake">Cancelled when the run stops or the handshake takes too long.</param>
    /// <param name="cancellationToken">Cancelled when the run stops: what tells the two apart.</param>
    private async Task<BenchConnection> OpenAsync(string clientId, bool bulk, bool subscriber, CancellationToken handshake, CancellationToken cancellationToken)
    {
        var source = options.SourceAddresses.Count == 0
            ? null
            : options.SourceAddresses[(int)((uint)Interlocked.Increment(ref _nextSource) % (uint)options.SourceAddresses.Count)];
        Interlocked.CompareExchange(ref _firstStart, Stopwatch.GetTimestamp(), 0);
        try
        {
            var connection = await BenchConnection.OpenAsync(target, source, ConnectPacket(clientId, subscriber), bulk, handshake);
            Interlocked.Exchange(ref _lastConnAck, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref _succeeded);
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failed);
            errors.Add($"connect: no CONNACK within {HandshakeTimeout.TotalSeconds:0} s");
            throw new BenchConnectException($"no CONNACK within {HandshakeTimeout.TotalSeconds:0} s");
        }
        catch (BenchConnectException e)
        {
            Interlocked.Increment(ref _failed);
            errors.Add($"connect: {e.Message}");
            throw;
        }
    }

    /// <summary>
    /// Opens one connection per client identifier, paced, and hands each to <paramref name="opened"/> as it comes
    /// (failures are counted and left out). Stops starting new ones at <paramref name="deadlineTicks"/>.
    /// <para>
    /// <see cref="Lanes"/> loops start the connections, each taking every n-th identifier on the one shared
    /// schedule: the system calls that start a connection (socket, bind, connect, which on loopback also runs the
    /// handshake) then run on every core rather than one after the other on one thread.
    /// </para>
    /// </summary>
    public async Task OpenManyAsync(
        IReadOnlyList<string> clientIds, bool bulk, bool subscriber, Func<int, BenchConnection, Task> opened, long deadlineTicks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientIds);
        ArgumentNullException.ThrowIfNull(opened);
        using var pending = new SemaphoreSlim(MaxPending);
        using var timeouts = new HandshakeTimeouts(HandshakeTimeout, cancellationToken);
        var pacer = new RatePacer(options.ConnectRate, Stopwatch.GetTimestamp());
        var lanes = Math.Min(Lanes, Math.Max(1, clientIds.Count));
        var tasks = new Task<List<Task>>[lanes];
        for (var lane = 0; lane < lanes; lane++)
        {
            var first = lane;
            tasks[lane] = Task.Run(() => OpenLaneAsync(first, lanes, clientIds, bulk, subscriber, opened, pacer, pending, timeouts, deadlineTicks, cancellationToken), CancellationToken.None);
        }

        foreach (var started in await Task.WhenAll(tasks))
            await Task.WhenAll(started);
    }

    /// <summary>Loops that start connections at once (see <see cref="OpenManyAsync"/>).</summary>
    public static int Lanes => Math.Clamp(Environment.ProcessorCount, 1, 4);

    private async Task<List<Task>> OpenLaneAsync(
        int first, int step, IReadOnlyList<string> clientIds, bool bulk, bool subscriber, Func<int, BenchConnection, Task> opened, RatePacer pacer,
        SemaphoreSlim pending, HandshakeTimeouts timeouts, long deadlineTicks, CancellationToken cancellationToken)
    {
        var tasks = new List<Task>(clientIds.Count / step + 1);
        for (var i = first; i < clientIds.Count && !cancellationToken.IsCancellationRequested; i += step)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= deadlineTicks)
                break;
            // Connections due within a timer tick start now; the schedule is absolute, so the rate holds on average.
            var wait = TimeSpan.FromTicks(pacer.TicksUntilNext(now, i) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            if (wait >= TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await pending.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested)
                break;
            tasks.Add(OpenOneAsync(i, clientIds[i], bulk, subscriber, opened, pending, timeouts.Next(), cancellationToken));
        }
        return tasks;
    }

    private async Task OpenOneAsync(
        int index, string clientId, bool bulk, bool subscriber, Func<int, BenchConnection, Task> opened, SemaphoreSlim pending,
        CancellationToken handshake, CancellationToken cancellationToken)
    {
        BenchConnection connection;
        try
        {
            connection = await OpenAsync(clientId, bulk, subscriber, handshake, cancellationToken);
        }
        catch (Exception e) when (e is BenchConnectException or OperationCanceledException)
        {
            return;
        }
        finally
        {
            pending.Release();
        }
        await opened(index, connection);
    }

    public static async Task<IPEndPoint> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var address))
            return new IPEndPoint(address, port);
        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new BenchConnectException($"'{host}' has no address");
        return new IPEndPoint(chosen, port);
    }
}
