using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Transport.Channels;
using Microsoft.Extensions.Logging;

namespace Broker.Transport.Connections;

public sealed partial class MqttConnection
{
    // Above either high-water mark the connection reports itself unwritable, and the session keeps QoS 0
    // messages in its own bounded queue. The byte mark bounds the payload a stalled client pins; the packet mark
    // bounds the per-packet objects of small messages. The packet mark must be large: with a small one a fast
    // subscriber of small messages emptied its buffer faster than the writer's thread-pool hops refill it, and
    // the session dropped the rest (docs/PERFORMANCE.md, "Fan-in under overload"). Writable again only below the
    // low-water marks, so that the session is not told every time one packet leaves.
    internal const int HighWaterPackets = 16 * 1024;
    internal const long HighWaterBytes = 4 * 1024 * 1024;
    internal const int LowWaterPackets = 4 * 1024;
    internal const long LowWaterBytes = 1024 * 1024;

    // A batch is flushed once it holds this much, so that one huge backlog is not all buffered before a flush;
    // below the transport's MaxWriteBufferSize, so that the flush of one batch does not wait for the socket.
    private const int MaxBatchBytes = 256 * 1024;

    // Packets taken off the outbox per lock; a batch may pass MaxBatchBytes by at most one chunk.
    private const int ChunkPackets = 64;

    // The outbox: packets waiting for the writer. An idle connection keeps neither a queue nor a writer task
    // (memory per idle connection): the first packet after a quiet spell creates both, and the
    // writer ends, dropping the queue, once it has flushed everything. One writer at a time holds _writing
    // (guarded by _outboxGate); a packet queued from an actor's turn leaves the writer to the end of that
    // actor's run (AfterRun), which writes on its own thread if the actor has nothing more to do, so that a
    // message to an idle subscriber crosses no thread on its way out (docs/PERFORMANCE.md, scenario 4).
    private const int SpareOutboxCapacity = 64;

    [ThreadStatic]
    private static Queue<MqttPacket>? t_spareOutbox;

    private readonly Lock _outboxGate = new();
    private Queue<MqttPacket>? _outbox;
    private bool _writing;
    private bool _outboxCompleted;
    private TaskCompletionSource? _writerEnded;
    // A connection that has written nothing for this long is quiet: see IAfterRun.RunAfter. A steady stream is not
    // quiet: many subscribers of such streams (scenario 3) cost less with a writer that coalesces what arrived while
    // it waited for a thread than with a system call per packet, which saturated the cores; a message now and then
    // (scenario 4) is quiet.
    private static readonly long QuietTicks = Stopwatch.Frequency / 200;

    // When the last writer run ended (Stopwatch ticks).
    private long _lastWriteEnd;

    // The bytes encoded for the client: written by the one writer of the moment, read by the metrics (ConnectionTotals).
    private long _bytesSent;
    private int _pendingPackets;
    private long _pendingBytes;
    private int _unwritable;
    private int _closeRequested;
    private volatile MqttProtocolVersion _version;

    public bool IsWritable => Volatile.Read(ref _unwritable) == 0;

    /// <summary>Until the high-water mark: <see cref="Enqueue"/> says the connection is not writable once a packet reaches it.</summary>
    public ConnectionRoom Room => IsWritable
        ? new ConnectionRoom(HighWaterPackets - Volatile.Read(ref _pendingPackets), HighWaterBytes - Interlocked.Read(ref _pendingBytes))
        : ConnectionRoom.None;

    public void Send(MqttPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Enqueue(packet);
    }

    /// <summary>
    /// Queues for the writer, starting it if none runs; after the outbox is completed (closing), the packet is dropped.
    /// Whether a packet may go to the client at all is the channel's to say, when the writer takes it
    /// (<see cref="MqttChannel.HandleOut"/>): here every packet is queued in the order it came.
    /// </summary>
    private void Enqueue(MqttPacket packet)
    {
        long size = packet is PublishPacket publish ? publish.Payload.Length : 0;
        var packets = Interlocked.Increment(ref _pendingPackets);
        var bytes = Interlocked.Add(ref _pendingBytes, size);
        // Set before the packet is queued, so that the writer, which releases it later, sees the flag.
        if (packets >= HighWaterPackets || bytes >= HighWaterBytes)
        {
            Volatile.Write(ref _unwritable, 1);
        }

        lock (_outboxGate)
        {
            if (!_outboxCompleted)
            {
                (_outbox ??= RentOutbox()).Enqueue(packet);
                if (!_writing)
                {
                    _writing = true;
                    if (!AfterRun.TryDefer(this))
                    {
                        StartWriter();
                    }
                }

                return;
            }
        }

        Release(1, size);
    }

    /// <summary>No more packets are taken; the writer, if one runs, still sends what was queued, then ends.</summary>
    private void CompleteOutbox()
    {
        lock (_outboxGate)
        {
            _outboxCompleted = true;
        }
    }

    /// <summary>Completes when no writer holds the outbox any more: at once when none does.</summary>
    private Task WriterEnded()
    {
        lock (_outboxGate)
        {
            return _writing ? (_writerEnded ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : Task.CompletedTask;
        }
    }

    /// <summary>
    /// The end of the run of the actor that queued the first packet. A quiet connection (nothing written for
    /// <see cref="QuietTicks"/>) of an idle actor is written on this thread now: one packet now and then, which a
    /// writer on another thread would only delay by a wake-up (scenario 4). A busy one goes to a writer beside the
    /// actor: while that writer waits for a thread, more packets join its batch, and the actor's next run overlaps
    /// its encoding and system calls (fan-in: one write per packet on the actor's thread cut the rate).
    /// <para>
    /// This is the runtime's explicit end-of-run hook. The runtime calls it from a <c>finally</c> that follows its
    /// catch-all, and user code's exceptions are caught per message before that, so no socket I/O runs while one
    /// unwinds; the <c>finally</c> stays because the hook must run whatever the run did: <c>_writing</c> was set
    /// when the write was deferred, and no other writer starts until this one has.
    /// </para>
    /// </summary>
    void IAfterRun.RunAfter(bool actorIdle)
    {
        if (actorIdle && Stopwatch.GetTimestamp() - Volatile.Read(ref _lastWriteEnd) > QuietTicks)
        {
            // Synchronous up to the first flush that has to wait for the socket; the rest continues on the pool.
            _ = WriteLoopAsync();
        }
        else
        {
            StartWriter();
        }
    }

    /// <summary>On the pool: the caller (a read loop, a busy session) goes on while the writer encodes and waits for the socket.</summary>
    private void StartWriter() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    /// <summary>The writer's start on the pool (<see cref="StartWriter"/>): the connection is its own work item.</summary>
    void IThreadPoolWorkItem.Execute() => _ = WriteLoopAsync();

    /// <summary>
    /// An outbox for a writer run: the spare of this thread, if it has one. A connection drops its outbox when the
    /// writer has emptied it, so that an idle one holds none, and a new one per message (a quiet connection: one
    /// packet per run) would be garbage per message; the writer leaves the emptied one here instead.
    /// </summary>
    private static Queue<MqttPacket> RentOutbox()
    {
        if (t_spareOutbox is { } spare)
        {
            t_spareOutbox = null;
            return spare;
        }

        return new Queue<MqttPacket>();
    }

    private static void ReturnOutbox(Queue<MqttPacket>? emptied)
    {
        // A queue grown by a burst is not kept: the spare stays small whatever went through it.
        if (emptied is not null && emptied.EnsureCapacity(0) <= SpareOutboxCapacity)
        {
            t_spareOutbox = emptied;
        }
    }

    private void Release(int packets, long bytes)
    {
        var pendingPackets = Interlocked.Add(ref _pendingPackets, -packets);
        var pendingBytes = Interlocked.Add(ref _pendingBytes, -bytes);
        if (pendingPackets <= LowWaterPackets && pendingBytes <= LowWaterBytes
            && Volatile.Read(ref _unwritable) == 1 && Interlocked.CompareExchange(ref _unwritable, 0, 1) == 1)
        {
            _session?.Tell(new ConnectionWritable(this));
        }
    }

    /// <summary>
    /// The single writer: takes whatever is queued, lets the channel's outbound part decide what goes out
    /// (<see cref="MqttChannel.HandleOut"/>, which only this writer calls), encodes it into the pipe, flushes once per batch.
    /// Ends when the outbox is empty (a later packet starts a new writer), and for good when the outbox
    /// was completed (closing) or the transport stops taking bytes.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        var output = _transport.Output;
        // Rented per writer run, not kept per connection: an idle connection has no writer (see the outbox above).
        var chunk = ArrayPool<MqttPacket>.Shared.Rent(ChunkPackets);
        try
        {
            while (true)
            {
                lock (_outboxGate)
                {
                    if (_outbox is not { Count: > 0 })
                    {
                        ReturnOutbox(_outbox);
                        _outbox = null;
                        if (_outboxCompleted)
                        {
                            break;
                        }

                        Volatile.Write(ref _lastWriteEnd, Stopwatch.GetTimestamp());
                        EndWriting();
                        return;
                    }
                }

                var (packets, bytes, written) = WriteBatch(output, chunk);
                _bytesSent += written;
                var flush = await output.FlushAsync().ConfigureAwait(false);
                Release(packets, bytes);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            _logger.LogDebug("{Connection}: writing failed: {Message}", this, e.Message);
        }
        finally
        {
            ArrayPool<MqttPacket>.Shared.Return(chunk, clearArray: true);
        }

        // Closing, or nothing more can be written: stop reading too, so that the connection ends.
        Volatile.Write(ref _closeRequested, 1);
        lock (_outboxGate)
        {
            _outboxCompleted = true;
            _outbox = null;
            EndWriting();
        }

        _inbound.Open();
        _transport.Input.CancelPendingRead();
    }

    /// <summary>Under <see cref="_outboxGate"/>: the writer gives the outbox up, and whoever waits for that hears it.</summary>
    private void EndWriting()
    {
        _writing = false;
        _writerEnded?.TrySetResult();
        _writerEnded = null;
    }

    /// <summary>Moves up to a chunk of queued packets out under one lock, so that senders and the writer meet once per chunk.</summary>
    private int TakeChunk(MqttPacket[] chunk)
    {
        lock (_outboxGate)
        {
            var count = 0;
            while (count < chunk.Length && _outbox is { } outbox && outbox.TryDequeue(out var packet))
            {
                chunk[count++] = packet;
            }

            return count;
        }
    }

    /// <returns>The packets taken and their payload bytes (what <see cref="Enqueue"/> counted against the water marks), and the bytes written.</returns>
    private (int Packets, long Bytes, int Written) WriteBatch(PipeWriter output, MqttPacket[] chunk)
    {
        var packets = 0;
        long bytes = 0;
        var written = 0;
        int taken;
        while (written < MaxBatchBytes && (taken = TakeChunk(chunk)) > 0)
        {
            for (var i = 0; i < taken; i++)
            {
                written += Write(output, chunk[i], ref bytes);
                chunk[i] = null!;
            }

            packets += taken;
        }

        return (packets, bytes, written);
    }

    private int Write(PipeWriter output, MqttPacket packet, ref long bytes)
    {
        if (packet is PublishPacket publish)
        {
            // What Enqueue counted against the water marks, whatever the channel does with it.
            bytes += publish.Payload.Length;
        }

        var outgoing = _channel.HandleOut(packet);
        if (outgoing.Packet is not { } toWrite)
        {
            OnOutgoingDropped(packet, outgoing.Drop);
            return 0;
        }

        // The packet as the session sent it: the channel's outbound alias may have emptied the topic a trace matches.
        if (_context.Traces.Active is { Length: > 0 } traces)
        {
            Trace(traces, PacketDirection.Sent, packet);
        }

        try
        {
            return MqttEncoder.Write(output, toWrite, _channel.OutgoingVersion);
        }
        catch (ArgumentException e)
        {
            // A packet the protocol cannot carry is the sender's bug; the other packets still go.
            _logger.LogWarning("{Connection}: dropped a {Type} that cannot be encoded: {Message}", this, packet.Type, e.Message);
            return 0;
        }
    }

    /// <summary>Out of line: the packet paths only test whether a trace is in force.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Trace(IPacketTrace[] traces, PacketDirection direction, MqttPacket packet)
    {
        var clientId = _channel.ClientId ?? (packet as ConnectPacket)?.ClientId;
        foreach (var trace in traces)
        {
            trace.OnPacket(direction, clientId, _metadata.RemoteEndPoint, packet);
        }
    }

    /// <summary>A packet the channel kept from the client: a PUBLISH too large for it is counted as a dropped delivery.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnOutgoingDropped(MqttPacket packet, OutgoingDrop drop)
    {
        if (drop == OutgoingDrop.TooLarge && packet is PublishPacket)
        {
            _context.Metrics.MessageDropped(DropReason.TooLarge);
        }

        _logger.LogDebug("{Connection}: not sent: {Type}, {Drop}", this, packet.Type, drop);
    }
}
