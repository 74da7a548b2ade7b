using System.IO.Pipelines;
using System.Threading.Channels;
using Broker.Transport.Channels;
using Broker.Transport.Mqtt;
using Broker.Transport.Mqtt.Codec;
using Broker.Transport.Mqtt.Packets;
using Broker.Transport.Sessions;
using Microsoft.Extensions.Logging;

namespace Broker.Transport.Connections;

public sealed partial class MqttConnection
{
    // Above either high-water mark the connection reports itself unwritable, and the session keeps QoS 0
    // messages in its own bounded queue. 4 MiB of payload bounds what a stalled client pins; the packet mark
    // bounds the per-packet objects of small messages (16 Ki packets of a few hundred bytes each). The packet
    // mark must be large: at 1000 packets a fast subscriber of small messages emptied its buffer in well
    // under a millisecond, faster than the writer's thread-pool hops refill it, and the session dropped the
    // rest (docs/PERFORMANCE.md, "Fan-in under overload"). Writable again only below the low-water marks,
    // so that the session is not told every time one packet leaves.
    internal const int HighWaterPackets = 16 * 1024;
    internal const long HighWaterBytes = 4 * 1024 * 1024;
    internal const int LowWaterPackets = 4 * 1024;
    internal const long LowWaterBytes = 1024 * 1024;

    // A batch is flushed once it holds this much, so that one huge backlog is not all buffered before a flush;
    // below the transport's MaxWriteBufferSize, so that the flush of one batch does not wait for the socket.
    private const int MaxBatchBytes = 256 * 1024;

    private readonly Channel<MqttPacket> _outbox;
    private int _pendingPackets;
    private long _pendingBytes;
    private int _unwritable;
    private int _closeRequested;
    private bool _connAckQueued;
    private volatile MqttProtocolVersion _version;
    private volatile OutboundTopicAliases? _outboundAliases;

    public bool IsWritable => Volatile.Read(ref _unwritable) == 0;

    public void Send(MqttPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Enqueue(packet);
    }

    /// <summary>Queues for the writer; after the outbox is completed (closing), the packet is dropped.</summary>
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

        if (packet is ConnAckPacket { ReasonCode: < ReasonCode.UnspecifiedError })
        {
            Volatile.Write(ref _connAckQueued, true);
        }

        if (!_outbox.Writer.TryWrite(packet))
        {
            Release(1, size);
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
    /// The single writer: takes whatever is queued, encodes it into the pipe, flushes once per batch.
    /// Ends when the outbox is completed and drained (closing) or the transport stops taking bytes.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        var output = _transport.Output;
        var reader = _outbox.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var (packets, bytes) = WriteBatch(output, reader);
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
            // Nothing more can be written, so stop reading too: the connection ends.
            Volatile.Write(ref _closeRequested, 1);
            _outbox.Writer.TryComplete();
            _inbound.Open();
            _transport.Input.CancelPendingRead();
        }
    }

    private (int Packets, long Bytes) WriteBatch(PipeWriter output, ChannelReader<MqttPacket> reader)
    {
        // Only the CONNACK refusing an unknown protocol level is written before the level is known: in the 3.1.1 layout.
        var version = _version == MqttProtocolVersion.Unknown ? MqttProtocolVersion.V311 : _version;
        var aliases = _outboundAliases;
        var packets = 0;
        long bytes = 0;
        var written = 0;
        while (written < MaxBatchBytes && reader.TryRead(out var packet))
        {
            packets++;
            if (packet is PublishPacket publish)
            {
                bytes += publish.Payload.Length;
                packet = aliases is null ? publish : aliases.Apply(publish);
            }

            try
            {
                written += MqttEncoder.Write(output, packet, version);
            }
            catch (ArgumentException e)
            {
                // A packet the protocol cannot carry is the sender's bug; the other packets still go.
                _logger.LogWarning("{Connection}: dropped a {Type} that cannot be encoded: {Message}", this, packet.Type, e.Message);
            }
        }

        return (packets, bytes);
    }
}
