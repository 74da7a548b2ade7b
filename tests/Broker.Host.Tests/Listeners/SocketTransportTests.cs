using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Broker.Host.Listeners;
using Broker.Host.Options;
using Broker.Transport.Connections;

namespace Broker.Host.Tests.Listeners;

/// <summary>
/// What the broker's own socket transport does beyond the listener contract: a frame larger than a receive
/// buffer arrives whole, a cancelled pending read wakes the reader, and a large write reaches a client that
/// reads slowly (the socket's send buffer fills and the flush waits).
/// </summary>
public sealed class SocketTransportTests : ListenerTestBase
{
    private static ListenersOptions Sockets()
    {
        var listeners = NoListeners();
        listeners.Tcp.Enabled = true;
        listeners.Tcp.Transport = ListenerTransport.Sockets;
        return listeners;
    }

    [Fact]
    public async Task A_frame_larger_than_a_receive_buffer_is_read_whole_when_only_complete_frames_are_consumed()
    {
        const int Size = 300 * 1024;
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await Start(Sockets(), async (transport, _, _) =>
        {
            while (true)
            {
                var result = await transport.Input.ReadAsync();
                if (result.Buffer.Length >= Size)
                {
                    received.TrySetResult(result.Buffer.Slice(0, Size).ToArray());
                    transport.Input.AdvanceTo(result.Buffer.End);
                    break;
                }

                // Nothing consumed, everything examined: the next read must bring more, in the same sequence.
                transport.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                if (result.IsCompleted)
                    break;
            }

            await transport.Output.CompleteAsync();
        });
        using var client = await Connect(server.EndPoint("tcp"));
        var frame = new byte[Size];
        Random.Shared.NextBytes(frame);

        await client.GetStream().WriteAsync(frame, Timeout.Token);

        Assert.Equal(frame, await received.Task.WaitAsync(Timeout.Token));
    }

    [Fact]
    public async Task CancelPendingRead_wakes_a_reader_waiting_for_data()
    {
        var reading = new TaskCompletionSource<PipeReader>(TaskCreationOptions.RunContinuationsAsynchronously);
        var woken = new TaskCompletionSource<ReadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await Start(Sockets(), async (transport, _, _) =>
        {
            var read = transport.Input.ReadAsync();
            reading.TrySetResult(transport.Input);
            woken.TrySetResult(await read);
            await transport.Output.CompleteAsync();
        });
        using var client = await Connect(server.EndPoint("tcp"));

        (await reading.Task.WaitAsync(Timeout.Token)).CancelPendingRead();

        var result = await woken.Task.WaitAsync(Timeout.Token);
        Assert.True(result.IsCanceled);
        Assert.False(result.IsCompleted);
    }

    [Fact]
    public async Task A_write_larger_than_the_socket_buffers_reaches_a_client_that_reads_late()
    {
        const int Size = 8 * 1024 * 1024;
        var flushed = new TaskCompletionSource<FlushResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await Start(Sockets(), async (transport, _, _) =>
        {
            var span = transport.Output.GetSpan(Size);
            for (var i = 0; i < Size; i++)
                span[i] = (byte)i;
            transport.Output.Advance(Size);
            flushed.TrySetResult(await transport.Output.FlushAsync());
            await transport.Output.CompleteAsync();
        });
        using var client = await Connect(server.EndPoint("tcp"));
        client.ReceiveBufferSize = 64 * 1024;
        var received = new byte[Size];
        var total = 0;
        while (total < Size)
        {
            var read = await client.GetStream().ReadAsync(received.AsMemory(total), Timeout.Token);
            Assert.NotEqual(0, read);
            total += read;
        }

        Assert.False((await flushed.Task.WaitAsync(Timeout.Token)).IsCompleted);
        var expected = new byte[Size];
        for (var i = 0; i < Size; i++)
            expected[i] = (byte)i;
        Assert.True(expected.AsSpan().SequenceEqual(received));
    }

    [Fact]
    public async Task A_client_still_sending_when_the_handler_ends_reads_its_last_bytes_and_the_end_and_is_not_reset()
    {
        // As a publisher past the Receive Maximum: it has more on its way when the broker answers DISCONNECT 0x93.
        var server = await Start(Sockets(), async (transport, _, _) =>
        {
            var result = await transport.Input.ReadAsync();
            transport.Input.AdvanceTo(result.Buffer.End);
            await transport.Output.WriteAsync(new byte[] { 0xE0, 0x01, 0x93 });
            await transport.Output.CompleteAsync();
            await transport.Input.CompleteAsync();
        });
        using var client = await Connect(server.EndPoint("tcp"));
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0x34 }, Timeout.Token);

        var received = new byte[3];
        await stream.ReadExactlyAsync(received, Timeout.Token);
        Assert.Equal(new byte[] { 0xE0, 0x01, 0x93 }, received);
        Assert.Equal(0, await stream.ReadAsync(new byte[1], Timeout.Token));
        // Each write reaches a socket the broker has done with: a closed one answers the first with a reset, which
        // fails the next. A linger bounded by seconds outlasts these writes on any machine.
        for (var i = 0; i < 200; i++)
            await stream.WriteAsync(new byte[] { 0x62, 0x02, 0x00, (byte)i }, Timeout.Token);
        client.Client.Shutdown(SocketShutdown.Send);
    }

    [Fact]
    public async Task A_client_gone_mid_frame_ends_the_stream_with_what_it_sent()
    {
        var ended = new TaskCompletionSource<ReadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await Start(Sockets(), async (transport, _, _) =>
        {
            while (true)
            {
                var result = await transport.Input.ReadAsync();
                transport.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                if (result.IsCompleted)
                {
                    ended.TrySetResult(new ReadResult(new ReadOnlySequence<byte>(result.Buffer.ToArray()), false, true));
                    break;
                }
            }

            await transport.Output.CompleteAsync();
        });
        using (var client = await Connect(server.EndPoint("tcp")))
        {
            await client.GetStream().WriteAsync(new byte[] { 0x30, 0x10, 0x00 }, Timeout.Token);
            client.Client.Shutdown(SocketShutdown.Send);
            var result = await ended.Task.WaitAsync(Timeout.Token);
            Assert.True(result.IsCompleted);
            Assert.Equal(new byte[] { 0x30, 0x10, 0x00 }, result.Buffer.ToArray());
        }
    }
}
