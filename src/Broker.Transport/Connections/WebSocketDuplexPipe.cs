using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Broker.Transport.Connections;

/// <summary>
/// A WebSocket seen as the byte stream MQTT runs on, so that a connection reads and writes the
/// same <see cref="IDuplexPipe"/> over TCP, TLS or WebSocket.
/// <list type="bullet">
/// <item>Inbound, binary messages are concatenated: a packet may span frames and a frame may hold
/// several packets [MQTT-6.0.0-2]. A text message closes the connection [MQTT-6.0.0-1].</item>
/// <item>Outbound, each flushed batch is sent as one binary message.</item>
/// <item>When the application completes <see cref="Output"/>, a close frame is sent; the peer's reply
/// is awaited for <c>closeTimeout</c>, then the socket is aborted.</item>
/// </list>
/// A peer that closes or vanishes completes <see cref="Input"/> without error: to the connection it
/// is the end of the stream, as a TCP FIN is.
/// </summary>
public sealed class WebSocketDuplexPipe : IDuplexPipe
{
    private static readonly TimeSpan DefaultCloseTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket socket;
    private readonly Pipe input;
    private readonly Pipe output;
    private readonly TimeSpan closeTimeout;

    public WebSocketDuplexPipe(WebSocket socket, PipeOptions? options = null, TimeSpan? closeTimeout = null)
    {
        this.socket = socket;
        input = new Pipe(options ?? PipeOptions.Default);
        output = new Pipe(options ?? PipeOptions.Default);
        this.closeTimeout = closeTimeout ?? DefaultCloseTimeout;
    }

    public PipeReader Input => input.Reader;

    public PipeWriter Output => output.Writer;

    /// <summary>
    /// Moves bytes both ways until the WebSocket is closed in both directions or aborted.
    /// Cancelling <paramref name="aborted"/> aborts the socket.
    /// </summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        using var abort = aborted.Register(static s => ((WebSocket)s!).Abort(), socket);
        var receiving = ReceiveAsync();
        await SendAsync(receiving).ConfigureAwait(false);
        await receiving.ConfigureAwait(false);
    }

    private async Task ReceiveAsync()
    {
        var writer = input.Writer;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(writer.GetMemory(), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    // [MQTT-6.0.0-1]: any data frame but binary closes the network connection.
                    socket.Abort();
                    break;
                }
                writer.Advance(result.Count);
                var flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                    break;
            }
        }
        catch (Exception e) when (IsConnectionLoss(e))
        {
            // The peer went away without a close frame: the end of the stream all the same.
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task SendAsync(Task receiving)
    {
        var reader = output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                    await SendMessageAsync(buffer).ConfigureAwait(false);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                    break;
            }
            await CloseAsync(receiving).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionLoss(e))
        {
            socket.Abort();
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One binary message per flushed batch: a frame per buffer segment, the last one ending the message.</summary>
    private async ValueTask SendMessageAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await socket.SendAsync(buffer.First, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        // Each frame but the last is sent once the next non-empty segment shows it is not the last.
        var pending = ReadOnlyMemory<byte>.Empty;
        foreach (var segment in buffer)
        {
            if (segment.IsEmpty)
                continue;
            if (!pending.IsEmpty)
                await socket.SendAsync(pending, WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None).ConfigureAwait(false);
            pending = segment;
        }
        await socket.SendAsync(pending, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task CloseAsync(Task receiving)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
        try
        {
            // The close handshake completes when the peer's close frame arrives on the receive side.
            await receiving.WaitAsync(closeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            socket.Abort();
        }
    }

    private static bool IsConnectionLoss(Exception e) =>
        e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException;
}
