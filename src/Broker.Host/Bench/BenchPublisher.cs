using System.Buffers;
using System.Diagnostics;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Host.Bench;

/// <summary>
/// One publishing client. The send loop fills a buffer with as many PUBLISH packets as are due (all of them when
/// running flat out, up to ~64 KB), sends it in one write, and waits only on the socket (its send buffer full), on the
/// rate, or on the QoS 1/2 in-flight window: at most --inflight PUBLISH unacknowledged, fewer when the broker's 5.0
/// CONNACK sets a lower Receive Maximum [MQTT-3.3.4-9]. The read loop frees a packet identifier at each PUBACK (QoS 1)
/// or PUBCOMP (QoS 2), answers each PUBREC with its PUBREL as soon as it is decoded, and wakes the send loop when the
/// window had been full, which sends one new PUBLISH per identifier freed.
/// <para>
/// What the broker acknowledged (PUBACK at QoS 1, PUBREC at QoS 2: from then on the message is the broker's to
/// deliver) is kept by sequence number in <see cref="AckedSequences"/>, for the acknowledged-loss count.
/// </para>
/// </summary>
public sealed class BenchPublisher
{
    private const int BatchBytes = 64 * 1024;
    private static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(1);

    private readonly BenchConnection _connection;
    private readonly PublishTemplate _template;
    private readonly QualityOfService _qos;
    private readonly int _rate;
    private readonly BenchErrors _errors;
    private readonly InflightWindow? _window;
    // The sequence number each packet identifier in flight carries, to record what the broker acknowledged.
    private readonly long[]? _sequenceOf;
    private readonly AckFrames _acks;
    private readonly bool _coalesceAcks;
    private readonly object _gate = new();
    private TaskCompletionSource? _windowFreed;
    private byte[]? _pacedBatch;
    private int _pacedWriting;
    private long _sent;
    private long _acked;
    private long _completed;

    public BenchPublisher(BenchConnection connection, int index, string topic, BenchOptions options, BenchErrors errors)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        Index = index;
        Topic = topic;
        _qos = options.QoS;
        _rate = options.Rate;
        _errors = errors;
        _template = PublishTemplate.Create(topic, options.QoS, options.Size, connection.Version);
        if (options.QoS != QualityOfService.AtMostOnce)
        {
            _window = new InflightWindow(Math.Min(options.Inflight, connection.ReceiveMaximum ?? ushort.MaxValue));
            _sequenceOf = new long[ushort.MaxValue + 1];
            AckedSequences = new SequenceSet();
        }
        _acks = new AckFrames(connection.Version);
        _coalesceAcks = options.CoalesceAcks;
    }

    public int Index { get; }

    public string Topic { get; }

    public BenchConnection Connection => _connection;

    /// <summary>PUBLISH packets written to the socket.</summary>
    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Messages the broker acknowledged: PUBACKs (QoS 1) or PUBRECs (QoS 2) with a success reason.</summary>
    public long Acked => Volatile.Read(ref _acked);

    /// <summary>PUBCOMPs received (QoS 2).</summary>
    public long Completed => Volatile.Read(ref _completed);

    /// <summary>The sequence numbers of the messages the broker acknowledged; null at QoS 0. Read it once the read loop has ended.</summary>
    public SequenceSet? AckedSequences { get; }

    /// <summary>PUBLISH this publisher may have unacknowledged: --inflight, or the broker's Receive Maximum if lower; 0 at QoS 0.</summary>
    public int InflightLimit => _window?.Capacity ?? 0;

    public int InFlight
    {
        get
        {
            lock (_gate)
                return _window?.Count ?? 0;
        }
    }

    /// <summary>
    /// Publishes until <paramref name="deadlineTicks"/> (Stopwatch ticks); never stops in the middle of a batch. A run
    /// uses it for publishers flat out (--rate 0); paced ones are driven by <see cref="SendDue"/>.
    /// </summary>
    public async Task SendLoopAsync(long deadlineTicks, CancellationToken cancellationToken)
    {
        var batch = new byte[Math.Max(BatchBytes, _template.Length)];
        var perBatch = Math.Max(1, batch.Length / _template.Length);
        var pacer = new RatePacer(_rate, Stopwatch.GetTimestamp());
        try
        {
            while (!cancellationToken.IsCancellationRequested && !_connection.IsClosed)
            {
                var now = Stopwatch.GetTimestamp();
                if (now >= deadlineTicks)
                    return;
                var count = (int)Math.Min(perBatch, pacer.Due(now, _sent));
                if (count == 0)
                {
                    // Sleep at least a timer tick (~1 ms), then send everything due by then in one batch: a sleep per
                    // message would either spin (sub-millisecond delays complete at once) or cap the rate at 1,000/s.
                    var until = TimeSpan.FromTicks(pacer.TicksUntilNext(now, _sent) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
                    await WaitAsync(until < MinimumSleep ? MinimumSleep : until, deadlineTicks, cancellationToken);
                    continue;
                }
                var length = Fill(batch, count, out var filled);
                if (filled == 0)
                {
                    await WaitForWindowAsync(deadlineTicks, cancellationToken);
                    continue;
                }
                await _connection.SendAsync(batch.AsMemory(0, length), cancellationToken);
                Volatile.Write(ref _sent, _sent + filled);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            _errors.Add($"publisher: send failed: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    /// <summary>
    /// The pacing loop's turn (<see cref="PacingLoop"/>, on its own thread): sends the messages due and not yet sent in
    /// one write, stamped just before it, unless the previous paced write is still pending or the window is full; they
    /// stay due. A write that completes at once (the usual case: a few small packets into an empty socket buffer) costs
    /// no task and no thread hop; one that has to wait finishes on its own while the loop goes on.
    /// </summary>
    public void SendDue(long due, CancellationToken cancellationToken)
    {
        if (_connection.IsClosed || Volatile.Read(ref _pacedWriting) != 0)
            return;
        _pacedBatch ??= new byte[Math.Max(BatchBytes, _template.Length)];
        var count = (int)Math.Min(Math.Max(1, _pacedBatch.Length / _template.Length), due - _sent);
        if (count <= 0)
            return;
        var length = Fill(_pacedBatch, count, out var filled);
        if (filled == 0)
            return;
        try
        {
            var write = _connection.SendAsync(_pacedBatch.AsMemory(0, length), cancellationToken);
            if (write.IsCompletedSuccessfully)
            {
                write.GetAwaiter().GetResult();
                Volatile.Write(ref _sent, _sent + filled);
                return;
            }
            Volatile.Write(ref _pacedWriting, 1);
            _ = FinishPacedWriteAsync(write, filled);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            PacedWriteFailed(e);
        }
    }

    private async Task FinishPacedWriteAsync(ValueTask write, int filled)
    {
        try
        {
            await write;
            Volatile.Write(ref _sent, _sent + filled);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            PacedWriteFailed(e);
        }
        finally
        {
            Volatile.Write(ref _pacedWriting, 0);
        }
    }

    private void PacedWriteFailed(Exception e)
    {
        if (e is not OperationCanceledException)
            _errors.Add($"publisher: send failed: {e.Message}");
        _connection.MarkClosed();
    }

    /// <summary>Reads acknowledgements until the broker closes or <paramref name="cancellationToken"/> stops the run.</summary>
    public async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        await _connection.ReadLoopAsync("publisher", Decode, new byte[256], _errors, cancellationToken);
        WakeSender();
    }

    private int Fill(byte[] batch, int count, out int filled)
    {
        var length = 0;
        filled = 0;
        var sequence = _sent;
        if (_window is null)
        {
            for (; filled < count; filled++)
                length += _template.WriteTo(batch.AsSpan(length), new PayloadHeader(Index, sequence++, BenchClock.NowNs()), 0);
            return length;
        }
        lock (_gate)
        {
            for (; filled < count && _window.Free > 0; filled++)
            {
                var packetId = _window.Acquire();
                _sequenceOf![packetId] = sequence;
                length += _template.WriteTo(batch.AsSpan(length), new PayloadHeader(Index, sequence++, BenchClock.NowNs()), packetId);
            }
            if (filled == 0)
                _windowFreed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return length;
    }

    private int Decode(ref ReadOnlySequence<byte> buffer, ref byte[] replies)
    {
        var length = 0;
        var freed = false;
        lock (_gate)
        {
            DecodeStatus status;
            MqttPacket? packet;
            MqttDecodeError error;
            while ((status = _connection.Decoder.TryDecode(ref buffer, out packet, out error)) == DecodeStatus.Decoded)
            {
                switch (packet)
                {
                    case PubAckPacket ack when _qos == QualityOfService.AtLeastOnce:
                        if (Acknowledged(ack.PacketId, ack.ReasonCode))
                            freed |= Release(ack.PacketId);
                        break;
                    case PubRecPacket rec when _qos == QualityOfService.ExactlyOnce:
                        if (Acknowledged(rec.PacketId, rec.ReasonCode))
                        {
                            if ((byte)rec.ReasonCode >= 0x80)
                                freed |= Release(rec.PacketId);
                            else
                                length = _acks.Append(ref replies, length, PacketType.PubRel, rec.PacketId);
                        }
                        break;
                    case PubCompPacket comp when _qos == QualityOfService.ExactlyOnce:
                        if (comp.ReasonCode != ReasonCode.Success)
                            _errors.Add($"publisher: PUBCOMP {comp.ReasonCode}");
                        if (Release(comp.PacketId))
                        {
                            freed = true;
                            Volatile.Write(ref _completed, _completed + 1);
                        }
                        break;
                    case PingRespPacket:
                        break;
                    case DisconnectPacket disconnect:
                        _errors.Add($"publisher: the broker sent DISCONNECT {disconnect.ReasonCode}");
                        break;
                    default:
                        _errors.Add($"publisher: unexpected {packet!.Type}");
                        break;
                }
                // Each PUBREL goes as soon as its PUBREC is read: the read loop sends it and calls again for the rest.
                if (length > 0 && !_coalesceAcks)
                    break;
            }
            if (status == DecodeStatus.Failed)
                throw new InvalidOperationException($"malformed packet from the broker: {error}");
        }
        if (freed)
            WakeSender();
        return length;
    }

    /// <summary>
    /// A PUBACK or PUBREC for <paramref name="packetId"/>: records its message as acknowledged when the reason is a
    /// success. False when the identifier is not in flight (an acknowledgement the broker should not have sent).
    /// </summary>
    private bool Acknowledged(ushort packetId, ReasonCode reason)
    {
        if (!_window!.InUse(packetId))
        {
            _errors.Add("publisher: acknowledgement for a packet identifier not in flight");
            return false;
        }
        if ((byte)reason >= 0x80)
            _errors.Add($"publisher: the broker refused a message: {reason}");
        else if (AckedSequences!.Add(_sequenceOf![packetId]))
            Volatile.Write(ref _acked, _acked + 1);
        return true;
    }

    /// <summary>Frees the identifier at the end of its exchange; false (an error) when it was not in flight.</summary>
    private bool Release(ushort packetId)
    {
        if (_window!.Release(packetId))
            return true;
        _errors.Add("publisher: acknowledgement for a packet identifier not in flight");
        return false;
    }

    private void WakeSender()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _windowFreed;
            _windowFreed = null;
        }
        waiter?.TrySetResult();
    }

    private async Task WaitForWindowAsync(long deadlineTicks, CancellationToken cancellationToken)
    {
        Task? freed;
        lock (_gate)
            freed = _window!.Free > 0 ? null : _windowFreed?.Task;
        if (freed is null)
            return;
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadlineTicks);
        if (remaining <= TimeSpan.Zero)
            return;
        await freed.WaitAsync(remaining, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static async Task WaitAsync(TimeSpan delay, long deadlineTicks, CancellationToken cancellationToken)
    {
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadlineTicks);
        var wait = delay < remaining ? delay : remaining;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
