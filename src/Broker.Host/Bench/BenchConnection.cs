using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Host.Bench;

/// <summary>
/// One bench client's socket: connected and past CONNACK when <see cref="OpenAsync"/> returns. Reads go through a
/// <see cref="PipeReader"/>; an idle connection (thousands in <c>conn</c>) waits with zero-byte reads, so it holds no
/// buffer, while a busy one reads straight into 64 KB buffers (a zero-byte read first would double the system calls); a read loop decodes whole batches with <see cref="Decoder"/>. Writes are whole buffers of packets,
/// serialized by a lock because the keep-alive pinger and the read loop's acknowledgements share the socket with the
/// publisher's batches (SslStream allows one write at a time, and a TCP stream must not interleave two packets).
/// </summary>
public sealed class BenchConnection : IAsyncDisposable
{
    private static readonly byte[] PingReq = [0xC0, 0x00];

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private long _lastSendTicks = Environment.TickCount64;
    private int _closed;

    private BenchConnection(Socket socket, Stream stream, MqttProtocolVersion version, bool bulk)
    {
        _socket = socket;
        _stream = stream;
        Version = version;
        Reader = PipeReader.Create(stream, new StreamPipeReaderOptions(
            bufferSize: bulk ? 64 * 1024 : 4096, minimumReadSize: bulk ? 16 * 1024 : 1024, useZeroByteReads: !bulk));
        // The broker's bytes: server-to-client packets only.
        Decoder = new MqttDecoder(new MqttDecoderOptions { Peer = PeerRole.Server }) { ProtocolVersion = version };
    }

    public MqttProtocolVersion Version { get; }

    public PipeReader Reader { get; }

    public MqttDecoder Decoder { get; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// The broker's Receive Maximum from its 5.0 CONNACK: how many QoS 1 and 2 PUBLISH it accepts unacknowledged from
    /// this client [MQTT-3.3.4-9]; null on 3.x, or when the broker sent none (65,535).
    /// </summary>
    public ushort? ReceiveMaximum { get; private set; }

    /// <param name="bulk">Whether this connection will carry a message stream (bigger read buffers) or sit idle.</param>
    /// <exception cref="BenchConnectException">The socket, TLS or MQTT handshake failed, or CONNACK refused.</exception>
    public static async Task<BenchConnection> OpenAsync(
        BenchTarget target, IPAddress? source, ConnectPacket connect, bool bulk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(connect);
        var socket = new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        BenchConnection? connection = null;
        try
        {
            if (source is not null)
                Bind(socket, source);
            await socket.ConnectAsync(target.EndPoint, cancellationToken).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (target.Tls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = target.Host,
                    RemoteCertificateValidationCallback = target.Insecure ? (_, _, _, _) => true : null,
                }, cancellationToken).ConfigureAwait(false);
            }
            connection = new BenchConnection(socket, stream, connect.ProtocolVersion, bulk);
            await connection.SendPacketAsync(connect, cancellationToken).ConfigureAwait(false);
            var reply = await connection.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (reply is not ConnAckPacket connAck)
                throw new BenchConnectException(reply is null ? "the broker closed the connection before CONNACK" : $"expected CONNACK, got {reply.Type}");
            if (connAck.ReasonCode != ReasonCode.Success)
                throw new BenchConnectException($"CONNACK refused: {connAck.ReasonCode} (0x{(byte)connAck.ReasonCode:X2})");
            connection.ReceiveMaximum = connAck.Properties.ReceiveMaximum;
            return connection;
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException or BenchConnectException)
        {
            if (connection is not null)
                await connection.DisposeAsync().ConfigureAwait(false);
            else
                socket.Dispose();
            throw e as BenchConnectException ?? new BenchConnectException(e.Message, e);
        }
        catch
        {
            if (connection is not null)
                await connection.DisposeAsync().ConfigureAwait(false);
            else
                socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a buffer of whole packets; flow control is the socket's (this waits while its send buffer is full).</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> packets, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(packets, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastSendTicks, Environment.TickCount64);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Cold path (CONNECT, SUBSCRIBE, DISCONNECT): encodes one packet and sends it.</summary>
    public ValueTask SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        MqttEncoder.Write(buffer, packet, Version);
        return SendAsync(buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>Sends PINGREQ when nothing was sent for <paramref name="idleMs"/>, so that the broker keeps an idle connection [MQTT-3.1.2-24].</summary>
    public async ValueTask PingIfIdleAsync(long idleMs, CancellationToken cancellationToken)
    {
        if (!IsClosed && Environment.TickCount64 - Volatile.Read(ref _lastSendTicks) >= idleMs)
            await SendAsync(PingReq, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cold path: reads the next packet, or null when the broker closed the connection.</summary>
    public async ValueTask<MqttPacket?> ReadPacketAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = Decoder.TryDecode(ref buffer, out var packet, out var error);
            // A decoded packet is copied out of the buffer before it is released, except PUBLISH payloads, which
            // the cold path never reads.
            Reader.AdvanceTo(buffer.Start, status == DecodeStatus.Incomplete ? buffer.End : buffer.Start);
            switch (status)
            {
                case DecodeStatus.Decoded:
                    return packet;
                case DecodeStatus.Failed:
                    throw new BenchConnectException($"the broker sent a malformed packet: {error}");
            }
            if (result.IsCompleted)
                return null;
        }
    }

    /// <summary>Sends DISCONNECT (best effort) and closes.</summary>
    public async ValueTask DisconnectAsync(CancellationToken cancellationToken)
    {
        if (IsClosed)
            return;
        try
        {
            await SendPacketAsync(DisconnectPacket.Normal, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closing anyway.
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    public void MarkClosed() => Volatile.Write(ref _closed, 1);

    /// <summary>
    /// Reads until the broker closes or <paramref name="cancellationToken"/> stops the run. <paramref name="decode"/>
    /// decodes what a read brought and returns whenever it has written replies (after every packet that needs one, as an
    /// ordinary client acknowledges each message as it reads it; or, with --coalesce-acks, after the whole read): they are
    /// sent at once, and decoding resumes after them. After a short read, <paramref name="coalescing"/> may wait before
    /// the next one.
    /// </summary>
    public async Task ReadLoopAsync(
        string role, ReplyDecoder decode, byte[] replies, BenchErrors errors, CancellationToken cancellationToken, ReadCoalescing coalescing = default)
    {
        try
        {
            while (true)
            {
                var result = await Reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                var bytesRead = buffer.Length;
                int replyLength;
                while ((replyLength = decode(ref buffer, ref replies)) > 0)
                    await SendAsync(replies.AsMemory(0, replyLength), cancellationToken);
                Reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    if (!cancellationToken.IsCancellationRequested)
                        errors.Add($"{role}: the broker closed the connection");
                    break;
                }
                if (coalescing.PauseAfter(bytesRead, result.IsCompleted))
                    await Task.Delay(coalescing.Pause, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            if (!cancellationToken.IsCancellationRequested)
                errors.Add($"{role}: read failed: {e.Message}");
        }
        MarkClosed();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0 && _socket.SafeHandle.IsClosed)
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
        _socket.Dispose();
    }

    /// <summary>
    /// Binds to the source address without taking a port yet (IP_BIND_ADDRESS_NO_PORT on Linux): the port is then
    /// chosen at connect time per destination, so the ephemeral range is not used up per local address by bind.
    /// </summary>
    private static void Bind(Socket socket, IPAddress source)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                const int SolIp = 0, IpBindAddressNoPort = 24;
                socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
            }
            catch (SocketException)
            {
                // An older kernel: bind takes a port, which still works up to the ephemeral range per address.
            }
        }
        socket.Bind(new IPEndPoint(source, 0));
    }
}
