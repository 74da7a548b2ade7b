using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Transport.Connections;

namespace Broker.Transport.Channels;

/// <summary>
/// The MQTT protocol state machine of one network connection, as EMQX's <c>emqx_channel</c>: each
/// decoded packet (or decoding failure, or timeout) goes in, a <see cref="ChannelResult"/> comes out,
/// saying what to write back, what to tell the session and whether to close; each packet the broker
/// sends goes through <see cref="HandleOut"/> on its way to the encoder. It owns the rules that
/// need no session state: CONNECT validation and negotiation, topic aliases both ways, the broker's
/// limits and the client's, keep-alive, which packets may go out when. No sockets, threads or clocks:
/// the caller passes the time.
/// <para>
/// Not thread-safe; two parts, each driven by one thread at a time: the inbound part (<see cref="HandleIn"/>,
/// <see cref="HandleDecodeError"/>, keep-alive) by the connection's read loop and its keep-alive check,
/// the outbound part (<see cref="HandleOut"/>) by the connection's writer. They share only what CONNECT
/// negotiated, which the inbound part sets before the CONNACK exists (see <c>MqttChannel.Outgoing.cs</c>).
/// </para>
/// <para>
/// Split by concern: CONNECT in <c>MqttChannel.Connect.cs</c>, enhanced authentication (AUTH) in
/// <c>MqttChannel.EnhancedAuthentication.cs</c>, PUBLISH and SUBSCRIBE in
/// <c>MqttChannel.Publish.cs</c> and <c>MqttChannel.Subscribe.cs</c>, keep-alive in
/// <c>MqttChannel.KeepAlive.cs</c>, outgoing packets in <c>MqttChannel.Outgoing.cs</c>.
/// </para>
/// </summary>
public sealed partial class MqttChannel
{
    private readonly MqttSettings _settings;
    private readonly IClientConnection _connection;
    private readonly Func<string> _newClientId;
    private readonly ConnectGate? _gate;

    /// <param name="connection">What the session messages this channel builds refer to.</param>
    /// <param name="nowMs">When the network connection opened (Unix milliseconds): the idle timeout counts from here.</param>
    /// <param name="newClientId">Makes the id of a client that sent an empty one; <see cref="ClientIdentifiers.New"/> by default.</param>
    /// <param name="gate">While closed, CONNECT is refused with Server unavailable; none: always open.</param>
    public MqttChannel(
        MqttSettings settings, IClientConnection connection, long nowMs, Func<string>? newClientId = null, ConnectGate? gate = null,
        ChannelSecurity? security = null, ChannelPeer? peer = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(connection);
        _settings = settings;
        _connection = connection;
        _newClientId = newClientId ?? ClientIdentifiers.New;
        _gate = gate;
        _security = security ?? ChannelSecurity.Open;
        _peer = peer ?? ChannelPeer.Unknown;
        OpenedAtMs = nowMs;
    }

    public ChannelState State { get; private set; }

    /// <summary>Unknown until CONNECT; 3.1.1 when a CONNECT of an unknown level is refused, since that CONNACK has the 3.1.1 layout.</summary>
    public MqttProtocolVersion ProtocolVersion { get; private set; }

    /// <summary>The client id once CONNECT is accepted, assigned by the broker when the client sent an empty one.</summary>
    public string? ClientId { get; private set; }

    /// <summary>Set once, when the channel closes.</summary>
    public ChannelClose? Closed { get; private set; }

    public long OpenedAtMs { get; }

    private bool IsV5 => ProtocolVersion == MqttProtocolVersion.V500;

    public ChannelResult HandleIn(MqttPacket packet, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (State == ChannelState.Closed)
        {
            return ChannelResult.None;
        }

        ThrowIfSuspended();
        if (State == ChannelState.Authenticating)
        {
            return HandleInAuthenticating(packet);
        }

        if (packet is ConnectPacket connect)
        {
            return State == ChannelState.AwaitingConnect
                ? HandleConnect(connect)
                : Violation(ReasonCode.ProtocolError, "a second CONNECT [MQTT-3.1.0-2]");
        }

        if (State == ChannelState.AwaitingConnect)
        {
            // The decoder refuses this already on the server side; kept so the channel holds the rule on its own.
            return Violation(ReasonCode.ProtocolError, $"{packet.Type} before CONNECT [MQTT-3.1.0-1]");
        }

        return packet switch
        {
            PublishPacket publish => HandlePublish(publish, nowMs),
            PublishAcknowledgement ack => ChannelResult.Forward(new ClientAcknowledgement(_connection, ack)),
            SubscribePacket subscribe => HandleSubscribe(subscribe),
            UnsubscribePacket unsubscribe => ChannelResult.Forward(new ClientUnsubscribe(_connection, unsubscribe)),
            PingReqPacket => ChannelResult.Send(PingRespPacket.Instance), // [MQTT-3.12.4-1]
            DisconnectPacket disconnect => HandleDisconnect(disconnect),
            AuthPacket auth => HandleAuth(auth),
            _ => Violation(ReasonCode.ProtocolError, $"a client may not send {packet.Type}"),
        };
    }

    /// <summary>
    /// The decoder refused the bytes. During CONNECT a 5.0 client gets a CONNACK with the reason and a 3.x
    /// client one only for an unsupported protocol level, the only failure 3.x has a return code for
    /// [MQTT-3.1.2-2]; otherwise it is closed [MQTT-3.1.4-1]. After CONNECT a 5.0 client gets a DISCONNECT
    /// with the reason, a 3.x client is just closed [MQTT-4.13.1-1].
    /// </summary>
    /// <param name="decoderVersion">The decoder's protocol level, known as soon as CONNECT's level byte was read.</param>
    public ChannelResult HandleDecodeError(MqttDecodeError error, MqttProtocolVersion decoderVersion)
    {
        if (State == ChannelState.Closed)
        {
            return ChannelResult.None;
        }

        ThrowIfSuspended();
        var code = error.ReasonCode;
        if (State == ChannelState.Connected)
        {
            return Violation(code, error.Message);
        }

        if (State == ChannelState.Authenticating)
        {
            // A 5.0 client between CONNECT and CONNACK: told why in the CONNACK, as for a bad CONNECT.
            return ReasonCodeRules.IsAllowed(PacketType.ConnAck, (byte)code)
                ? Refuse(code, error.Message, CauseOf(code))
                : CloseSilently(CauseOf(code), code, error.Message);
        }

        if (error.PacketType != PacketType.Connect)
        {
            return CloseSilently(CauseOf(code), code, error.Message);
        }

        ProtocolVersion = decoderVersion;
        if (code == ReasonCode.UnsupportedProtocolVersion)
        {
            // The level is not one we speak: answer in the 3.1.1 layout, which every MQTT client can read.
            ProtocolVersion = MqttProtocolVersion.V311;
            return Refuse(code, error.Message, CloseCause.ConnectRefused);
        }

        return IsV5 && ReasonCodeRules.IsAllowed(PacketType.ConnAck, (byte)code)
            ? Refuse(code, error.Message, CauseOf(code))
            : CloseSilently(CauseOf(code), code, error.Message);
    }

    private ChannelResult HandleDisconnect(DisconnectPacket disconnect)
    {
        uint? expiry = null;
        if (disconnect.Properties.SessionExpiryInterval is { } requested)
        {
            // 3.14.2.2.2: a session that was to end with the connection cannot be kept alive afterwards.
            if (_connectSessionExpiry == 0 && requested != 0)
            {
                return Violation(ReasonCode.ProtocolError, "DISCONNECT sets a Session Expiry Interval after CONNECT set 0 (3.14.2.2.2)");
            }

            expiry = Math.Min(requested, _settings.MaxSessionExpirySeconds);
        }

        // Only 0x00 discards the will [MQTT-3.14.4-3, MQTT-3.1.2-8]: 0x04 and every error code publish it.
        var kind = disconnect.ReasonCode == ReasonCode.NormalDisconnection ? DisconnectKind.Normal : DisconnectKind.WithWill;
        return CloseWith(null, new ChannelClose(CloseCause.ClientDisconnect, kind, disconnect.ReasonCode, "DISCONNECT from the client", expiry));
    }

    /// <summary>
    /// A malformed packet or protocol error after CONNECT: DISCONNECT with the reason on 5.0, then close
    /// [MQTT-4.13.1-1]; the will is published.
    /// </summary>
    private ChannelResult Violation(ReasonCode code, string detail)
    {
        if (State != ChannelState.Connected)
        {
            return CloseSilently(CauseOf(code), code, detail);
        }

        var sent = ReasonCodeRules.IsAllowed(PacketType.Disconnect, (byte)code) ? code : ReasonCode.UnspecifiedError;
        var reply = IsV5 ? new DisconnectPacket { ReasonCode = sent } : null;
        return CloseWith(reply, new ChannelClose(CauseOf(code), DisconnectKind.Abnormal, sent, detail));
    }

    /// <summary>A CONNACK refusal: Session Present 0 [MQTT-3.2.2-6], then close [MQTT-3.2.2-7].</summary>
    private ChannelResult Refuse(ReasonCode code, string detail, CloseCause cause = CloseCause.ConnectRefused) =>
        CloseWith(new ConnAckPacket { ReasonCode = code }, new ChannelClose(cause, DisconnectKind.Abnormal, code, detail));

    private ChannelResult CloseSilently(CloseCause cause, ReasonCode code, string detail) =>
        CloseWith(null, new ChannelClose(cause, DisconnectKind.Abnormal, code, detail));

    private ChannelResult CloseWith(MqttPacket? reply, ChannelClose close)
    {
        State = ChannelState.Closed;
        Closed = close;
        return new ChannelResult(reply, null, close);
    }

    private static CloseCause CauseOf(ReasonCode code) => code switch
    {
        ReasonCode.MalformedPacket => CloseCause.MalformedPacket,
        ReasonCode.UnsupportedProtocolVersion => CloseCause.ConnectRefused,
        _ => CloseCause.ProtocolError,
    };
}
