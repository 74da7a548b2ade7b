using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Host.Bench;

/// <summary>
/// <c>broker bench null-broker</c>: the least an MQTT broker can do, so that a bench run against it shows what the
/// generator and the loopback path cost on their own. It answers CONNECT, SUBSCRIBE (granting QoS 0), PINGREQ and the
/// QoS 1 and 2 handshakes, and forwards each PUBLISH, byte for byte at QoS 0 (re-encoded at QoS 0 otherwise), to the
/// subscribers whose filter matches, from the publisher's read loop, with no queue, session, actor or thread hop in
/// between. No retained messages, wills, sessions, keep-alive or authentication. Every read is one decode pass, and
/// the bytes each subscriber gets from it go out in one write.
/// </summary>
public sealed class NullBroker : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly NullBrokerRoutes<NullBrokerClient> _routes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _forwarded;

    private NullBroker(Socket listener)
    {
        _listener = listener;
        _accepting = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>PUBLISH packets written to subscribers so far.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    public static NullBroker Start(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endpoint);
            listener.Listen(4096);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new NullBroker(listener);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                _ = ServeAsync(new NullBrokerClient(socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(NullBrokerClient client)
    {
        var targets = new List<NullBrokerClient>();
        try
        {
            while (true)
            {
                var result = await client.Reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var closing = HandleAll(client, ref buffer, targets);
                client.Reader.AdvanceTo(buffer.Start, buffer.End);
                if (closing || result.IsCompleted)
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client or the broker is gone.
        }
        _routes.RemoveAll(client);
        await client.DisposeAsync().ConfigureAwait(false);
    }

    /// <returns>True when the connection is to be closed (DISCONNECT, or bytes that are not MQTT).</returns>
    private bool HandleAll(NullBrokerClient client, ref ReadOnlySequence<byte> buffer, List<NullBrokerClient> targets)
    {
        while (true)
        {
            var before = buffer;
            var status = client.Decoder.TryDecode(ref buffer, out var packet, out _);
            if (status != DecodeStatus.Decoded)
                return status == DecodeStatus.Failed;
            if (Handle(client, packet!, before.Slice(0, buffer.Start), targets))
                return true;
        }
    }

    private bool Handle(NullBrokerClient client, MqttPacket packet, in ReadOnlySequence<byte> frame, List<NullBrokerClient> targets)
    {
        var version = client.Version;
        switch (packet)
        {
            case PublishPacket publish:
                Forward(publish, version, frame, targets);
                if (publish.QoS == QualityOfService.AtLeastOnce)
                    client.Enqueue(new PubAckPacket { PacketId = publish.PacketId }, version);
                else if (publish.QoS == QualityOfService.ExactlyOnce)
                    client.Enqueue(new PubRecPacket { PacketId = publish.PacketId }, version);
                return false;
            case PubRelPacket release:
                client.Enqueue(new PubCompPacket { PacketId = release.PacketId }, version);
                return false;
            case ConnectPacket:
                client.Enqueue(new ConnAckPacket { ReasonCode = ReasonCode.Success }, version);
                return false;
            case SubscribePacket subscribe:
                foreach (var subscription in subscribe.Subscriptions)
                    _routes.Add(subscription.Filter, client);
                client.Enqueue(new SubAckPacket
                {
                    PacketId = subscribe.PacketId,
                    ReasonCodes = [.. subscribe.Subscriptions.Select(_ => ReasonCode.GrantedQoS0)],
                }, version);
                return false;
            case UnsubscribePacket unsubscribe:
                client.Enqueue(new UnsubAckPacket
                {
                    PacketId = unsubscribe.PacketId,
                    ReasonCodes = [.. unsubscribe.TopicFilters.Select(_ => ReasonCode.Success)],
                }, version);
                return false;
            case PingReqPacket:
                client.Enqueue(PingRespPacket.Instance, version);
                return false;
            case DisconnectPacket:
                return true;
            default:
                return false;
        }
    }

    private void Forward(PublishPacket publish, MqttProtocolVersion from, in ReadOnlySequence<byte> frame, List<NullBrokerClient> targets)
    {
        targets.Clear();
        _routes.Match(publish.Topic, targets);
        if (targets.Count == 0)
            return;
        var downgraded = publish.QoS == QualityOfService.AtMostOnce ? null : publish with { QoS = QualityOfService.AtMostOnce, PacketId = 0, Dup = false };
        foreach (var target in targets)
        {
            // 3.1 and 3.1.1 PUBLISH frames are alike; 5.0 adds properties.
            if (downgraded is null && (from == MqttProtocolVersion.V500) == (target.Version == MqttProtocolVersion.V500))
                target.Enqueue(frame);
            else
                target.Enqueue(downgraded ?? publish, target.Version);
        }
        Interlocked.Add(ref _forwarded, targets.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
