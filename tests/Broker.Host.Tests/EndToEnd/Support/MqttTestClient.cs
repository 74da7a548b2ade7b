using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.EndToEnd.Support;

/// <summary>
/// A raw MQTT client over a real TCP socket, written with the broker's own codec: it sends exactly the
/// packets a test builds (including ones a well-behaved client library would never send), and a
/// background loop decodes what the broker sends into a queue that the test reads with a deadline.
/// </summary>
internal sealed class MqttTestClient : IDisposable
{
    /// <summary>The longest any single wait of a test may take.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <summary>How long a negative check ("nothing arrives") watches.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private readonly TcpClient _socket;
    private readonly NetworkStream _stream;
    private readonly MqttProtocolVersion _version;
    private readonly Channel<MqttPacket> _received = Channel.CreateUnbounded<MqttPacket>();
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _stopReading;
    private ushort _lastPacketId;

    private MqttTestClient(TcpClient socket, MqttProtocolVersion version)
    {
        _socket = socket;
        _stream = socket.GetStream();
        _version = version;
    }

    /// <summary>Why the receive loop ended, when the broker sent bytes our decoder refused.</summary>
    public string? DecodeFailure { get; private set; }

    public Socket Socket => _socket.Client;

    /// <summary>The broker's Receive Maximum from the last 5.0 CONNACK (65535 when absent, and on 3.x): QoS 1/2 publishes this client may have unanswered [MQTT-3.3.4-7].</summary>
    public ushort ServerReceiveMaximum { get; private set; } = ushort.MaxValue;

    /// <summary>
    /// From now on this client takes no more bytes off its socket, as a stalled device: the receive
    /// window fills and the broker's writes back up. A read already waiting still takes one chunk.
    /// </summary>
    public void StopReading() => _stopReading = true;

    /// <param name="receiveBufferSize">Set before connecting, so that the TCP window is small from the start.</param>
    /// <param name="read">False for a client that never reads what the broker sends.</param>
    public static async Task<MqttTestClient> OpenAsync(IPEndPoint endPoint, MqttProtocolVersion version, int? receiveBufferSize, bool read)
    {
        var socket = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        using var deadline = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(endPoint, deadline.Token);
        var client = new MqttTestClient(socket, version);
        if (read)
        {
            _ = Task.Run(client.ReceiveLoopAsync);
        }

        return client;
    }

    public ushort NextPacketId() => _lastPacketId = (ushort)(_lastPacketId % ushort.MaxValue + 1);

    public async Task SendAsync(MqttPacket packet)
    {
        var output = new ArrayBufferWriter<byte>();
        MqttEncoder.Write(output, packet, _version);
        await SendRawAsync(output.WrittenMemory);
    }

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await _stream.WriteAsync(bytes, deadline.Token);
    }

    /// <summary>Sends CONNECT and returns the CONNACK, whatever its reason code.</summary>
    public async Task<ConnAckPacket> SendConnectAsync(ConnectPacket connect)
    {
        await SendAsync(connect with { ProtocolVersion = _version });
        var connAck = await ReceiveAsync<ConnAckPacket>();
        ServerReceiveMaximum = connAck.Properties.ReceiveMaximum ?? ushort.MaxValue;
        return connAck;
    }

    /// <summary>CONNECT with a keep-alive of 0 (none) and Clean Start 1 unless customized; the CONNACK must accept it.</summary>
    public async Task<ConnAckPacket> ConnectAsync(string clientId, Func<ConnectPacket, ConnectPacket>? customize = null)
    {
        var connect = new ConnectPacket { ClientId = clientId, CleanStart = true, ProtocolVersion = _version };
        var connAck = await SendConnectAsync(customize is null ? connect : customize(connect));
        Assert.Equal(ReasonCode.Success, connAck.ReasonCode);
        return connAck;
    }

    public Task<SubAckPacket> SubscribeAsync(string filter, QualityOfService qos = QualityOfService.AtLeastOnce) =>
        SubscribeAsync(new TopicSubscription(filter, new SubscriptionOptions(qos)));

    public async Task<SubAckPacket> SubscribeAsync(TopicSubscription subscription, int subscriptionId = 0)
    {
        var packetId = NextPacketId();
        var properties = subscriptionId == 0 ? MqttProperties.Empty : new MqttProperties { SubscriptionIdentifiers = [subscriptionId] };
        await SendAsync(new SubscribePacket { PacketId = packetId, Subscriptions = [subscription], Properties = properties });
        var subAck = await ReceiveAsync<SubAckPacket>();
        Assert.Equal(packetId, subAck.PacketId);
        return subAck;
    }

    /// <summary>Sends a PUBLISH (a packet id is chosen for QoS 1 and 2); does not wait for its acknowledgement.</summary>
    public async Task<ushort> PublishAsync(
        string topic,
        string payload,
        QualityOfService qos = QualityOfService.AtMostOnce,
        bool retain = false,
        MqttProperties? properties = null)
    {
        var packetId = qos == QualityOfService.AtMostOnce ? (ushort)0 : NextPacketId();
        await SendAsync(new PublishPacket
        {
            Topic = topic,
            QoS = qos,
            Retain = retain,
            PacketId = packetId,
            Payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)),
            Properties = properties ?? MqttProperties.Empty,
        });
        return packetId;
    }

    /// <summary>QoS 1 PUBLISH and its PUBACK, which must be the next packet this client receives.</summary>
    public async Task PublishAcknowledgedAsync(string topic, string payload, bool retain = false, MqttProperties? properties = null)
    {
        var packetId = await PublishAsync(topic, payload, QualityOfService.AtLeastOnce, retain, properties);
        var ack = await ReceiveAsync<PubAckPacket>();
        Assert.Equal(packetId, ack.PacketId);
    }

    public Task DisconnectAsync(ReasonCode reason = ReasonCode.NormalDisconnection) =>
        SendAsync(new DisconnectPacket { ReasonCode = reason });

    public Task<MqttPacket> ReceiveAsync() => ReceiveAsync(Deadline);

    /// <summary>The next packet, waiting at most <paramref name="within"/> (for what the broker may take longer to send).</summary>
    public async Task<MqttPacket> ReceiveAsync(TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        try
        {
            if (await _received.Reader.WaitToReadAsync(deadline.Token) && _received.Reader.TryRead(out var packet))
            {
                return packet;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Nothing received within {within.TotalSeconds} s.");
        }

        Assert.Fail($"The broker closed the connection instead of sending a packet.{Failure()}");
        return null!;
    }

    public Task<T> ReceiveAsync<T>()
        where T : MqttPacket => ReceiveAsync<T>(Deadline);

    public async Task<T> ReceiveAsync<T>(TimeSpan within)
        where T : MqttPacket
    {
        var packet = await ReceiveAsync(within);
        return Assert.IsType<T>(packet);
    }

    public async Task<PublishPacket> ReceivePublishAsync(string? expectedPayload = null)
    {
        var publish = await ReceiveAsync<PublishPacket>();
        if (expectedPayload is not null)
        {
            Assert.Equal(expectedPayload, PayloadOf(publish));
        }

        return publish;
    }

    /// <summary>The next packet, a PUBLISH, if one arrives before <paramref name="cancellationToken"/>; null when none did.</summary>
    public async Task<PublishPacket?> TryReceivePublishAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await _received.Reader.WaitToReadAsync(cancellationToken) && _received.Reader.TryRead(out var packet))
            {
                return Assert.IsType<PublishPacket>(packet);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        Assert.Fail($"The broker closed the connection instead of sending a packet.{Failure()}");
        return null;
    }

    public static string PayloadOf(PublishPacket publish) => Encoding.UTF8.GetString(publish.Payload.ToArray());

    /// <summary>The next packet, or null when the broker closes the connection first; fails after <see cref="Deadline"/>.</summary>
    public async Task<MqttPacket?> ReceiveOrCloseAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            return await _received.Reader.WaitToReadAsync(deadline.Token) && _received.Reader.TryRead(out var packet) ? packet : null;
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"Nothing received, nor the connection closed, within {Deadline.TotalSeconds} s.");
            return null;
        }
    }

    /// <summary>The negative check: nothing arrives (and the connection stays open) for <see cref="Quiet"/>.</summary>
    public async Task ExpectNothingAsync()
    {
        using var quiet = new CancellationTokenSource(Quiet);
        try
        {
            var more = await _received.Reader.WaitToReadAsync(quiet.Token);
            Assert.Fail(more && _received.Reader.TryPeek(out var packet)
                ? $"Unexpected {packet}."
                : $"The broker closed the connection.{Failure()}");
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The broker closes the connection with nothing more sent.</summary>
    public async Task ExpectClosedAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            var more = await _received.Reader.WaitToReadAsync(deadline.Token);
            Assert.False(more, more && _received.Reader.TryPeek(out var packet) ? $"Received {packet} instead of the end." : "");
            Assert.Null(DecodeFailure);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The broker did not close the connection within {Deadline.TotalSeconds} s.");
        }
    }

    /// <summary>The client's socket goes away without DISCONNECT (a network failure as the broker sees it).</summary>
    public void Abort()
    {
        _socket.Client.LingerState = new LingerOption(true, 0);
        Dispose();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }

    private string Failure() => DecodeFailure is null ? "" : $" Decoding failed: {DecodeFailure}";

    private async Task ReceiveLoopAsync()
    {
        var decoder = new MqttDecoder(new MqttDecoderOptions { Peer = PeerRole.Server }) { ProtocolVersion = _version };
        var reader = PipeReader.Create(_stream);
        try
        {
            while (true)
            {
                if (_stopReading)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (true)
                {
                    var status = decoder.TryDecode(ref buffer, out var packet, out var error);
                    if (status == DecodeStatus.Incomplete)
                    {
                        break;
                    }

                    if (status == DecodeStatus.Failed)
                    {
                        DecodeFailure = error.ToString();
                        return;
                    }

                    // The payload is a slice of the pipe: copy it before advancing.
                    _received.Writer.TryWrite(packet is PublishPacket publish
                        ? publish with { Payload = new ReadOnlySequence<byte>(publish.Payload.ToArray()) }
                        : packet!);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}
