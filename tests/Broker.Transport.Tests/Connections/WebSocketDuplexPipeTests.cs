using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Broker.Transport.Connections;

namespace Broker.Transport.Tests.Connections;

/// <summary>
/// The server side is a <see cref="WebSocketDuplexPipe"/>; the client a plain WebSocket; both run
/// over a real loopback TCP connection (WebSocket.CreateFromStream on each end).
/// </summary>
public sealed class WebSocketDuplexPipeTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource timeout = new(Limit);
    private TcpClient? clientTcp;
    private Socket? serverSocket;
    private WebSocket client = null!;
    private WebSocketDuplexPipe server = null!;
    private Task running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        clientTcp = new TcpClient();
        var connecting = clientTcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        serverSocket = await listener.AcceptSocketAsync(timeout.Token);
        await connecting;
        client = WebSocket.CreateFromStream(clientTcp.GetStream(), new WebSocketCreationOptions { IsServer = false });
        var serverSide = WebSocket.CreateFromStream(new NetworkStream(serverSocket, ownsSocket: true), new WebSocketCreationOptions { IsServer = true });
        server = new WebSocketDuplexPipe(serverSide);
        running = server.RunAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        client.Abort();
        await server.Output.CompleteAsync();
        await server.Input.CompleteAsync();
        await running.WaitAsync(timeout.Token);
        client.Dispose();
        clientTcp?.Dispose();
        serverSocket?.Dispose();
        timeout.Dispose();
    }

    private async Task<byte[]> ReadServerInput(int count)
    {
        while (true)
        {
            var result = await server.Input.ReadAsync(timeout.Token);
            if (result.Buffer.Length >= count || result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                server.Input.AdvanceTo(result.Buffer.End);
                return bytes;
            }
            server.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private async Task<(byte[] Bytes, WebSocketReceiveResult Last)> ReceiveClientMessage()
    {
        var bytes = new List<byte>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, timeout.Token);
            bytes.AddRange(buffer.AsSpan(0, result.Count).ToArray());
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
                return ([.. bytes], result);
        }
    }

    [Fact]
    public async Task MQTT_6_0_0_2_packets_spanning_and_sharing_frames_reach_the_input_as_one_stream()
    {
        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, endOfMessage: false, timeout.Token);
        await client.SendAsync(new byte[] { 4 }, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
        await client.SendAsync(new byte[] { 5, 6 }, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, await ReadServerInput(6));
    }

    [Fact]
    public async Task Each_flush_is_sent_as_one_binary_message()
    {
        await server.Output.WriteAsync(new byte[] { 1, 2 }, timeout.Token);
        var first = await ReceiveClientMessage();
        await server.Output.WriteAsync(new byte[] { 3 }, timeout.Token);
        var second = await ReceiveClientMessage();

        Assert.Equal(new byte[] { 1, 2 }, first.Bytes);
        Assert.Equal(WebSocketMessageType.Binary, first.Last.MessageType);
        Assert.Equal(new byte[] { 3 }, second.Bytes);
    }

    [Fact]
    public async Task A_batch_of_several_buffer_segments_is_still_one_message()
    {
        var expected = new byte[20_000];
        Random.Shared.NextBytes(expected);
        foreach (var chunk in expected.Chunk(3000))
        {
            chunk.CopyTo(server.Output.GetMemory(chunk.Length));
            server.Output.Advance(chunk.Length);
        }
        await server.Output.FlushAsync(timeout.Token);

        var message = await ReceiveClientMessage();
        Assert.Equal(expected, message.Bytes);
        Assert.Equal(WebSocketMessageType.Binary, message.Last.MessageType);
    }

    [Fact]
    public async Task MQTT_6_0_0_1_a_text_frame_closes_the_connection()
    {
        await client.SendAsync(new byte[] { 1, 2 }, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
        await client.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);

        // What came before the text frame is delivered, then the stream ends.
        var bytes = await ReadServerInput(int.MaxValue);
        Assert.Equal(new byte[] { 1, 2 }, bytes);
        var closed = await Assert.ThrowsAnyAsync<Exception>(async () => await ReceiveClientMessage());
        Assert.True(closed is WebSocketException or IOException, closed.ToString());
    }

    [Fact]
    public async Task Completing_the_output_closes_the_websocket_with_a_normal_close_handshake()
    {
        await server.Output.WriteAsync(new byte[] { 9 }, timeout.Token);
        await server.Output.CompleteAsync();

        Assert.Equal(new byte[] { 9 }, (await ReceiveClientMessage()).Bytes);
        var close = await ReceiveClientMessage();
        Assert.Equal(WebSocketMessageType.Close, close.Last.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.Last.CloseStatus);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);

        await running.WaitAsync(timeout.Token);
        Assert.Equal(WebSocketState.Closed, client.State);
    }

    [Fact]
    public async Task A_close_frame_from_the_peer_ends_the_input()
    {
        await client.SendAsync(new byte[] { 7 }, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);

        Assert.Equal(new byte[] { 7 }, await ReadServerInput(int.MaxValue));
        var result = await server.Input.ReadAsync(timeout.Token);
        Assert.True(result.IsCompleted);

        // The connection answers the end of its input by completing its output: the handshake finishes.
        await server.Output.CompleteAsync();
        await running.WaitAsync(timeout.Token);
        var close = await ReceiveClientMessage();
        Assert.Equal(WebSocketMessageType.Close, close.Last.MessageType);
    }
}
