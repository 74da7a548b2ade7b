using System.Buffers;
using System.IO.Pipelines;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Tests.Codec.Support;

namespace Broker.Transport.Tests.Connections.Support;

/// <summary>
/// The client end of an in-memory duplex pipe: sends encoded packets, decodes what the broker writes.
/// <paramref name="pauseWriterThreshold"/> makes the broker's flushes wait for this client to read.
/// </summary>
internal sealed class TestClient(MqttProtocolVersion version, long pauseWriterThreshold = 65536)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new(new PipeOptions(pauseWriterThreshold: pauseWriterThreshold, resumeWriterThreshold: pauseWriterThreshold / 2));
    private readonly MqttDecoder _decoder = Decoders.FromServer(version);
    private CountingPipeWriter? _serverOutput;

    /// <summary>The broker's side: reads what this client sends, writes (counting flushes) to this client.</summary>
    public IDuplexPipe ServerSide => new DuplexPipe(_toServer.Reader, _serverOutput ??= new CountingPipeWriter(_toClient.Writer));

    public int ServerFlushes => _serverOutput?.Flushes ?? 0;

    public Task SendAsync(MqttPacket packet) => SendRawAsync(Wire.Encode(packet, version));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _toServer.Writer.WriteAsync(bytes);
    }

    /// <summary>Ends the stream towards the broker, as a client closing its socket without DISCONNECT.</summary>
    public Task HangUpAsync() => _toServer.Writer.CompleteAsync().AsTask();

    public async Task<MqttPacket> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var reader = _toClient.Reader;
        while (true)
        {
            var result = await reader.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            var status = _decoder.TryDecode(ref buffer, out var packet, out var error);
            if (status == DecodeStatus.Decoded)
            {
                // The payload is a slice of the pipe: copy it before advancing.
                var kept = packet is PublishPacket publish ? publish with { Payload = new ReadOnlySequence<byte>(publish.Payload.ToArray()) } : packet!;
                reader.AdvanceTo(buffer.Start);
                return kept;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            Assert.True(status == DecodeStatus.Incomplete, error.ToString());
            Assert.False(result.IsCompleted, "The broker closed the connection instead of sending a packet.");
        }
    }

    public async Task<T> ReceiveAsync<T>()
        where T : MqttPacket => Assert.IsType<T>(await ReceiveAsync());

    /// <summary>The next bytes the broker writes, raw.</summary>
    public async Task<byte[]> ReceiveBytesAsync(int count)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var reader = _toClient.Reader;
        while (true)
        {
            var result = await reader.ReadAsync(timeout.Token);
            if (result.Buffer.Length >= count || result.IsCompleted)
            {
                var bytes = result.Buffer.Slice(0, Math.Min(count, result.Buffer.Length)).ToArray();
                reader.AdvanceTo(result.Buffer.GetPosition(bytes.Length));
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Waits for the broker to complete its side with nothing more written.</summary>
    public async Task ExpectClosedAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var result = await _toClient.Reader.ReadAsync(timeout.Token);
        Assert.True(result.Buffer.IsEmpty, $"{result.Buffer.Length} more bytes came before the end.");
        Assert.True(result.IsCompleted, "The broker did not close the connection.");
        _toClient.Reader.AdvanceTo(result.Buffer.End);
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
