using System.Diagnostics;
using Broker.Mqtt;

namespace Broker.Host.Bench;

/// <summary>
/// Runs one scenario from start to summary:
/// <code>
///   resolve -> first connection alone (failure: unreachable) -> subscribers connect and subscribe
///   -> publishers connect -> publish for --duration (conn: connect and hold for --duration)
///   -> drain: publishers send nothing new; subscribers go on reading (acknowledging) and publishers go on taking
///      acknowledgements for up to --drain (10 s), until every expected message arrived and nothing is in flight, or
///      nothing moved for 500 ms (QoS 0) or 2 s (QoS 1 and 2)
///   -> stop the read loops -> summary (acknowledged but never received: acked_lost) -> DISCONNECT everyone
/// </code>
/// Every wait is bounded by the duration or a fixed grace period.
/// </summary>
public sealed class BenchRun
{
    // A broker that queues rather than drops (mosquitto at QoS 0) is seconds behind at the end of a flat-out run: what
    // still arrives is late, not lost, so the drain goes on while messages keep coming, up to --drain. At QoS 1 and 2 a
    // message missing at the end was acknowledged and is counted lost: the drain waits longer for a pause to end.
    private static readonly TimeSpan DrainQuiet = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan DrainQuietAcknowledged = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly BenchOptions _options;
    private readonly TextWriter _progress;
    private readonly BenchErrors _errors = new();
    private readonly List<BenchConnection> _connections = [];
    private readonly List<Task> _loops = [];
    private readonly BenchSubscriber?[] _subscribers;
    private readonly BenchPublisher?[] _publishers;
    private readonly long _runStart = Stopwatch.GetTimestamp();
    private BenchConnector _connector = null!;

    private static readonly TimeSpan RouteWait = TimeSpan.FromSeconds(30);

    // The subscribers' connector: _connector unless --sub-port names another node.
    private BenchConnector _subConnector = null!;

    private BenchRun(BenchOptions options, TextWriter progress)
    {
        _options = options;
        _progress = progress;
        _subscribers = new BenchSubscriber?[options.Subscribers];
        _publishers = new BenchPublisher?[options.Publishers];
    }

    /// <param name="progress">Where progress lines go (stderr), every --progress.</param>
    public static Task<BenchOutcome> RunAsync(BenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        return new BenchRun(options, progress).RunAsync(cancellationToken);
    }

    private async Task<BenchOutcome> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            _connector = new BenchConnector(_options, await TargetAsync(_options.Port, cancellationToken), _errors);
            _subConnector = _options.SubscriberPort is { } subPort
                ? new BenchConnector(_options, await TargetAsync(subPort, cancellationToken), _errors)
                : _connector;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or BenchConnectException)
        {
            return new BenchOutcome(null, $"cannot resolve '{_options.Host}': {e.Message}");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The probe's connection works in its role like every other: its read loop must stop with the others.
        var unreachable = await ProbeAsync(stop.Token);
        if (unreachable is not null)
            return new BenchOutcome(null, unreachable);

        var background = new List<Task>
        {
            KeepAlivePinger.RunAsync(SnapshotConnections, _options.KeepAliveSeconds, stop.Token),
            ReportProgressAsync(stop.Token),
        };
        var connectDeadline = Stopwatch.GetTimestamp() + ToTicks(_options.Duration);
        await OpenSubscribersAsync(connectDeadline, stop.Token);
        if (await AwaitRoutesAsync(stop.Token) is { } noRoute)
            return new BenchOutcome(null, noRoute);
        await OpenPublishersAsync(connectDeadline, stop.Token);
        var window = await MeasureAsync(cancellationToken);
        // Delivered first: a tracker counts a message received before delivered, so the two readings stay consistent.
        var deliveredInWindow = _subscribers.OfType<BenchSubscriber>().Sum(s => s.Tracker.Delivered);
        var receivedInWindow = _subscribers.OfType<BenchSubscriber>().Sum(s => s.Tracker.Received);
        var ackedInWindow = _publishers.Sum(p => p?.Acked ?? 0);
        var drained = await DrainAsync(cancellationToken);

        await stop.CancelAsync();
        Task[] loops;
        lock (_loops)
            loops = [.. _loops, .. background];
        await WhenAllBounded(loops);
        var summary = Summarize(window) with
        {
            ReceivedInWindow = receivedInWindow,
            DeliveredInWindow = deliveredInWindow,
            AckedInWindow = ackedInWindow,
            DrainSeconds = drained.TotalSeconds,
        };
        await DisconnectAllAsync();
        return new BenchOutcome(summary with { CpuSeconds = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds }, null);
    }

    private async Task<BenchTarget> TargetAsync(int port, CancellationToken cancellationToken) =>
        new(_options.Host, await BenchConnector.ResolveAsync(_options.Host, port, cancellationToken), _options.Tls, _options.Insecure);

    private BenchConnector ConnectorOf(string role) => role == "sub" ? _subConnector : _connector;

    private string Role => _options.Scenario switch
    {
        BenchScenario.Conn => "conn",
        BenchScenario.Sub => "sub",
        BenchScenario.Pub => "pub",
        _ => _options.Subscribers > 0 ? "sub" : "pub",
    };

    private string ClientId(string role, int index) => $"{_options.ClientPrefix}-{role}-{index}";

    /// <summary>The run's first connection, made alone: if it fails, the broker is not there, and nothing else is tried.</summary>
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        var role = Role;
        BenchConnection connection;
        try
        {
            connection = await ConnectorOf(role).OpenAsync(ClientId(role, 0), role != "conn", role == "sub", cancellationToken);
        }
        catch (BenchConnectException e)
        {
            return $"cannot reach the broker at {_options.Host}:{_options.Port}: {e.Message}";
        }
        await AcceptAsync(role, 0, connection, cancellationToken);
        return null;
    }

    /// <summary>
    /// With the subscribers on another node (--sub-port), their routes reach the publishers' node a moment after the
    /// SUBACK (ARCHITECTURE.md, "The cluster"), and what is published before would be counted lost: probes (payloads
    /// too short for a header, which subscribers count as foreign, not delivered) go until one arrives, bounded.
    /// </summary>
    private async Task<string?> AwaitRoutesAsync(CancellationToken cancellationToken)
    {
        if (_subConnector == _connector || _options.Subscribers == 0 || _options.Publishers == 0)
            return null;
        var probe = await _connector.OpenAsync($"{_options.ClientPrefix}-route-probe", bulk: false, subscriber: false, cancellationToken);
        await using (probe)
        {
            var packet = new Broker.Mqtt.Packets.PublishPacket
            {
                Topic = _options.PublishTopic.Replace("%i", "0", StringComparison.Ordinal),
                Payload = new System.Buffers.ReadOnlySequence<byte>("probe"u8.ToArray()),
            };
            var deadline = Stopwatch.GetTimestamp() + ToTicks(RouteWait);
            while (_subscribers.OfType<BenchSubscriber>().Sum(s => s.Tracker.Received) == 0)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                    return $"no probe published on port {_options.Port} reached a subscriber on port {_options.SubscriberPort} within {RouteWait.TotalSeconds:F0} s";
                await probe.SendPacketAsync(packet, cancellationToken);
                await Task.Delay(50, cancellationToken);
            }
        }

        return null;
    }

    private Task OpenSubscribersAsync(long deadline, CancellationToken cancellationToken) =>
        OpenRoleAsync("sub", _options.Scenario == BenchScenario.Conn ? _options.Connections : _options.Subscribers, deadline, cancellationToken);

    private Task OpenPublishersAsync(long deadline, CancellationToken cancellationToken) =>
        _options.Scenario == BenchScenario.Conn ? Task.CompletedTask : OpenRoleAsync("pub", _options.Publishers, deadline, cancellationToken);

    private async Task OpenRoleAsync(string role, int count, long deadline, CancellationToken cancellationToken)
    {
        if (_options.Scenario == BenchScenario.Conn)
            role = "conn";
        var first = role == Role ? 1 : 0;
        if (count <= first)
            return;
        var ids = Enumerable.Range(first, count - first).Select(i => ClientId(role, i)).ToList();
        await ConnectorOf(role).OpenManyAsync(ids, role != "conn", role == "sub", (i, connection) => AcceptAsync(role, i + first, connection, cancellationToken), deadline, cancellationToken);
    }

    /// <summary>Puts a new connection to work in its role: a subscriber subscribes first, then every role starts reading.</summary>
    private async Task AcceptAsync(string role, int index, BenchConnection connection, CancellationToken cancellationToken)
    {
        lock (_connections)
            _connections.Add(connection);
        Task loop;
        switch (role)
        {
            case "sub":
                var subscriber = new BenchSubscriber(connection, index, TopicFilter.Expand(_options.SubscribeFilter, index), _errors, _options.CoalesceAcks);
                try
                {
                    await subscriber.SubscribeAsync(_options.QoS, cancellationToken);
                }
                catch (Exception e) when (e is BenchConnectException or IOException or OperationCanceledException)
                {
                    _errors.Add($"subscribe: {e.Message}");
                    await connection.DisposeAsync();
                    return;
                }
                _subscribers[index] = subscriber;
                loop = subscriber.ReadLoopAsync(cancellationToken, ReadCoalescing.For(_options));
                break;
            case "pub":
                var publisher = new BenchPublisher(connection, index, TopicFilter.Expand(_options.PublishTopic, index), _options, _errors);
                _publishers[index] = publisher;
                loop = publisher.ReadLoopAsync(cancellationToken);
                break;
            default:
                loop = IdleReader.RunAsync(connection, _errors, cancellationToken);
                break;
        }
        lock (_loops)
            _loops.Add(loop);
    }

    /// <summary>The measured window: publishing (pub, pubsub) or holding (conn, sub) for --duration.</summary>
    private async Task<TimeSpan> MeasureAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var deadline = _options.Scenario == BenchScenario.Conn ? _runStart + ToTicks(_options.Duration) : start + ToTicks(_options.Duration);
        var publishers = _options.Rate > 0
            ? [PaceAsync(start, deadline, cancellationToken)]
            : _publishers.OfType<BenchPublisher>()
                .Select(p => Task.Run(() => p.SendLoopAsync(deadline, cancellationToken), CancellationToken.None))
                .ToList();
        if (publishers.Count > 0)
            await Task.WhenAll(publishers).WaitAsync(_options.Duration + StopGrace, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        else
            await Task.Delay(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return Stopwatch.GetElapsedTime(_options.Scenario == BenchScenario.Conn ? _runStart : start);
    }

    /// <summary>Paced publishers: one <see cref="PacingLoop"/> for all of them, on a thread of its own that sleeps between messages.</summary>
    private Task PaceAsync(long start, long deadline, CancellationToken cancellationToken)
    {
        // Indexed by position in the schedule; a publisher whose connection failed keeps its slot and sends nothing.
        var publishers = _publishers;
        if (publishers.All(p => p is null))
            return Task.CompletedTask;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var schedule = new PaceSchedule(publishers.Length, _options.Rate, start, SystemPaceClock.Instance.Frequency);
        var thread = new Thread(() =>
        {
            try
            {
                PacingLoop.Run(schedule, SystemPaceClock.Instance, deadline, (index, due) => publishers[index]?.SendDue(due, cancellationToken), cancellationToken);
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "bench pacer",
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>
    /// Lets the last messages and acknowledgements arrive: done when every expected message arrived and no publisher
    /// has one in flight, when nothing moved for a quiet period, or after --drain. Returns how long it took.
    /// </summary>
    private async Task<TimeSpan> DrainAsync(CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        if (_options.Scenario is BenchScenario.Conn or BenchScenario.Sub)
            return TimeSpan.Zero;
        var expected = Expected();
        var quiet = _options.QoS == QualityOfService.AtMostOnce ? DrainQuiet : DrainQuietAcknowledged;
        var lastChange = began;
        var last = (-1L, -1L, -1L);
        while (!cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(began) < _options.Drain)
        {
            var delivered = _subscribers.OfType<BenchSubscriber>().Sum(s => s.Tracker.Delivered);
            var inFlight = _publishers.OfType<BenchPublisher>().Sum(p => (long)p.InFlight);
            var acked = _publishers.OfType<BenchPublisher>().Sum(p => p.Acked + p.Completed);
            if (delivered >= expected && inFlight == 0)
                break;
            if ((delivered, inFlight, acked) != last)
            {
                last = (delivered, inFlight, acked);
                lastChange = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastChange) >= quiet)
            {
                break;
            }
            var left = _options.Drain - Stopwatch.GetElapsedTime(began);
            if (left > TimeSpan.Zero)
                await Task.Delay(left < TimeSpan.FromMilliseconds(20) ? left : TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return Stopwatch.GetElapsedTime(began);
    }

    private long Expected()
    {
        long expected = 0;
        foreach (var subscriber in _subscribers.OfType<BenchSubscriber>())
        {
            foreach (var publisher in _publishers.OfType<BenchPublisher>())
            {
                if (TopicFilter.Matches(subscriber.Filter, publisher.Topic))
                    expected += publisher.Sent;
            }
        }
        return expected;
    }

    private BenchSummary Summarize(TimeSpan window)
    {
        var subscribers = _subscribers.OfType<BenchSubscriber>().ToList();
        var inProcess = _options.Scenario == BenchScenario.PubSub;
        var publisherTopics = Enumerable.Range(0, _publishers.Length).Select(i => _publishers[i]?.Topic ?? "").ToList();
        var sent = _publishers.Select(p => p?.Sent ?? 0).ToList();
        var acked = _publishers.Select(p => p?.AckedSequences).ToList();
        var totals = DeliveryTotals.Compute(
            subscribers.Select(s => s.Tracker).ToList(), subscribers.Select(s => s.Filter).ToList(),
            inProcess ? publisherTopics : null, inProcess ? sent : null,
            inProcess && _options.QoS != QualityOfService.AtMostOnce ? acked : null);
        if (totals.Foreign > 0)
            _errors.Add($"{totals.Foreign} messages without a bench payload header");
        return new BenchSummary
        {
            Scenario = _options.Scenario.ToString().ToLowerInvariant(),
            Version = (int)_options.Version,
            QoS = (int)_options.QoS,
            Size = _options.Size,
            Publishers = _options.Publishers,
            Subscribers = _options.Subscribers,
            DurationSeconds = window.TotalSeconds,
            Sent = sent.Sum(),
            Inflight = _publishers.OfType<BenchPublisher>().Select(p => p.InflightLimit).DefaultIfEmpty(0).Min(),
            Acked = _publishers.Sum(p => p?.Acked ?? 0),
            Completed = _publishers.Sum(p => p?.Completed ?? 0),
            Received = totals.Received,
            Delivered = totals.Delivered,
            AckedDeliveries = totals.AckedDeliveries,
            AckedLost = totals.AckedLost,
            Expected = totals.Expected,
            Lost = totals.Lost,
            Duplicates = totals.Duplicates,
            OutOfOrder = totals.OutOfOrder,
            P50 = totals.Latency.Percentile(50),
            P90 = totals.Latency.Percentile(90),
            P99 = totals.Latency.Percentile(99),
            P999 = totals.Latency.Percentile(99.9),
            Max = totals.Latency.Max,
            Connections = _connector.Succeeded + (_subConnector == _connector ? 0 : _subConnector.Succeeded),
            ConnectFailures = _connector.Failed + (_subConnector == _connector ? 0 : _subConnector.Failed),
            ConnectionsPerSecond = _connector.ConnectionsPerSecond,
            Errors = _errors.Snapshot(),
        };
    }

    private async Task ReportProgressAsync(CancellationToken cancellationToken)
    {
        if (_options.Progress <= TimeSpan.Zero)
            return;
        using var timer = new PeriodicTimer(_options.Progress);
        var (lastSent, lastReceived, lastTicks) = (0L, 0L, Stopwatch.GetTimestamp());
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = Stopwatch.GetTimestamp();
                var seconds = Stopwatch.GetElapsedTime(lastTicks, now).TotalSeconds;
                var sent = _publishers.Sum(p => p?.Sent ?? 0);
                var received = _subscribers.Sum(s => s?.Tracker.Received ?? 0);
                var latency = new LatencyHistogram();
                foreach (var subscriber in _subscribers.OfType<BenchSubscriber>())
                    latency.Add(subscriber.Tracker.Latency);
                var line = new ProgressLine(Stopwatch.GetElapsedTime(_runStart, now), (sent - lastSent) / seconds,
                    (received - lastReceived) / seconds, SnapshotConnections().Count(c => !c.IsClosed), latency.Percentile(99));
                await _progress.WriteLineAsync(line.ToString());
                (lastSent, lastReceived, lastTicks) = (sent, received, now);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private BenchConnection[] SnapshotConnections()
    {
        lock (_connections)
            return [.. _connections];
    }

    private async Task DisconnectAllAsync()
    {
        using var limit = new CancellationTokenSource(StopGrace);
        await WhenAllBounded(SnapshotConnections().Select(c => c.DisconnectAsync(limit.Token).AsTask()));
    }

    private static async Task WhenAllBounded(IEnumerable<Task> tasks)
    {
        await Task.WhenAll(tasks).WaitAsync(StopGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
