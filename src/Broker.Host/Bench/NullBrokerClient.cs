using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Host.Bench;

/// <summary>
/// One client of the <see cref="NullBroker"/>: its socket, its decoder, and what is waiting to be written to it.
/// Bytes for it are appended under a lock by whichever connection's read loop produced them (a publisher's
/// forwarded PUBLISH, its own CONNACK or SUBACK); one writer at a time sends everything appended so far in one write,
/// so a burst costs one system call and a write never waits on a lock held across I/O.
/// </summary>
public sealed class NullBrokerClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Lock _gate = new();
    private ArrayBufferWriter<byte> _pending = new(4096);
    private ArrayBufferWriter<byte> _writing = new(4096);
    private bool _writerRunning;
    private int _closed;

    public NullBrokerClient(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024));
        Decoder = new MqttDecoder(new MqttDecoderOptions { Peer = PeerRole.Client });
    }

    public PipeReader Reader { get; }

    public MqttDecoder Decoder { get; }

    public MqttProtocolVersion Version => Decoder.ProtocolVersion;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Queues a frame exactly as it arrived (a QoS 0 PUBLISH reads the same in both directions).</summary>
    public void Enqueue(in ReadOnlySequence<byte> frame)
    {
        lock (_gate)
        {
            foreach (var segment in frame)
                _pending.Write(segment.Span);
        }
        Flush();
    }

    /// <summary>Queues a packet this broker writes (CONNACK, SUBACK, acknowledgements, a PUBLISH downgraded to QoS 0).</summary>
    public void Enqueue(MqttPacket packet, MqttProtocolVersion version)
    {
        lock (_gate)
            MqttEncoder.Write(_pending, packet, version);
        Flush();
    }

    private void Flush()
    {
        lock (_gate)
        {
            if (_writerRunning || _pending.WrittenCount == 0 || IsClosed)
                return;
            _writerRunning = true;
        }
        _ = WriteAsync();
    }

    private async Task WriteAsync()
    {
        try
        {
            while (true)
            {
                lock (_gate)
                {
                    if (_pending.WrittenCount == 0 || IsClosed)
                    {
                        _writerRunning = false;
                        return;
                    }
                    (_pending, _writing) = (_writing, _pending);
                }
                await _stream.WriteAsync(_writing.WrittenMemory).ConfigureAwait(false);
                _writing.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Volatile.Write(ref _closed, 1);
            lock (_gate)
                _writerRunning = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
