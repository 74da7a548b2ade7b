using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Transport.Channels;

/// <summary>
/// MQTT 5 enhanced authentication (4.12), as EMQX's channel runs it: a CONNECT with an Authentication Method that a
/// step of the chain answers (<see cref="IEnhancedAuthenticator"/>) starts an exchange of AUTH packets, and only that
/// step decides. At CONNECT:
/// <code>
///   CONNECT method, data ──▶ StartAuthentication (the connection asks the step: finding the user may take a round trip)
///   ◀── AUTH 0x18 method, data       (AuthenticationStarted)           Authenticating
///   AUTH 0x18 method, data ──▶ the exchange checks it here (computation only)
///   ◀── CONNACK 0x00 method, data    the session opens as after the chain
///   ◀── CONNACK 0x87 method, error   a failed exchange; 0x8C for a method no step answers
/// </code>
/// Re-authentication [MQTT-4.12.1-1], while the session keeps running: AUTH 0x19 with the same method, then AUTH 0x18
/// both ways, then AUTH 0x00, or DISCONNECT 0x87 when it fails [MQTT-4.12.1-2]. The client must prove the user it
/// proved at CONNECT; its rights stay those it got then.
/// </summary>
public sealed partial class MqttChannel
{
    // Null for every client that did not use enhanced authentication: an AUTH from it is a protocol error.
    private EnhancedAuthentication? _enhanced;

    /// <summary>One client's enhanced authentication, made only for a client that uses it (idle connections hold none).</summary>
    private sealed class EnhancedAuthentication(string method, AuthenticationStep step)
    {
        public string Method { get; } = method;

        public AuthenticationStep Step { get; } = step;

        /// <summary>The exchange under way, at CONNECT or in a re-authentication; null between.</summary>
        public IAuthExchange? Exchange { get; set; }

        /// <summary>Until the CONNECT's exchange ends: the client and the session to open.</summary>
        public AuthenticateConnect? Pending { get; set; }

        /// <summary>Who the CONNECT's exchange authenticated.</summary>
        public string? UserId { get; set; }
    }

    /// <summary>
    /// The step's answer to <see cref="StartAuthentication"/>: AUTH 0x18 and the exchange goes on, or it ended at once.
    /// Ignored when the channel closed meanwhile.
    /// </summary>
    public ChannelResult AuthenticationStarted(StartAuthentication start, AuthExchangeStep step)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (_enhanced is null)
        {
            return ChannelResult.None;
        }

        if (start.Reauthentication)
        {
            return State == ChannelState.Connected ? ReauthenticationStep(step) : ChannelResult.None;
        }

        return State == ChannelState.AwaitingConnect ? ConnectStep(step) : ChannelResult.None;
    }

    /// <summary>A CONNECT whose method <paramref name="step"/> answers: the connection hands its data to the step.</summary>
    private ChannelResult StartEnhancedAuthentication(string method, AuthenticationStep step, ConnectPacket connect, ClientInfo client, OpenSession open)
    {
        _enhanced = new EnhancedAuthentication(method, step)
        {
            // The password field plays no part: the exchange is the proof.
            Pending = new AuthenticateConnect(new Credentials(client, null), open),
        };
        return ChannelResult.Forward(new StartAuthentication(step, Copy(connect.Properties.AuthenticationData), Reauthentication: false));
    }

    /// <summary>Before CONNACK only AUTH or DISCONNECT may come [MQTT-3.1.2-30]; anything else is refused with 0x82.</summary>
    private ChannelResult HandleInAuthenticating(MqttPacket packet) => packet switch
    {
        AuthPacket auth when CheckAuth(auth, ReasonCode.ContinueAuthentication) is { } wrong =>
            Refuse(ReasonCode.ProtocolError, wrong, CloseCause.ProtocolError),
        AuthPacket auth => ConnectStep(_enhanced!.Exchange!.Continue(DataOf(auth))),
        // The client gave up: there is no session to tell.
        DisconnectPacket disconnect => CloseWith(null, new ChannelClose(
            CloseCause.ClientDisconnect, DisconnectKind.Normal, disconnect.ReasonCode, "DISCONNECT during enhanced authentication")),
        _ => Refuse(ReasonCode.ProtocolError,
            $"{packet.Type} during enhanced authentication: only AUTH or DISCONNECT may come before CONNACK [MQTT-3.1.2-30]", CloseCause.ProtocolError),
    };

    /// <summary>AUTH from a connected client: a re-authentication, or a protocol error [MQTT-4.12.0-7, MQTT-4.12.1-1].</summary>
    private ChannelResult HandleAuth(AuthPacket auth)
    {
        if (_enhanced is not { } enhanced)
        {
            return Violation(ReasonCode.ProtocolError, "AUTH without an Authentication Method in CONNECT [MQTT-4.12.0-7]");
        }

        var expected = enhanced.Exchange is null ? ReasonCode.ReAuthenticate : ReasonCode.ContinueAuthentication;
        if (CheckAuth(auth, expected) is { } wrong)
        {
            return Violation(ReasonCode.ProtocolError, wrong);
        }

        return enhanced.Exchange is { } exchange
            ? ReauthenticationStep(exchange.Continue(DataOf(auth)))
            : ChannelResult.Forward(new StartAuthentication(enhanced.Step, Copy(auth.Properties.AuthenticationData), Reauthentication: true));
    }

    /// <summary>
    /// The client's AUTH must carry the CONNECT's method [MQTT-4.12.0-5, MQTT-4.12.1-1] and the reason code that fits
    /// where the exchange stands: 0x19 to start a re-authentication, 0x18 to answer the server [MQTT-4.12.0-3].
    /// </summary>
    private string? CheckAuth(AuthPacket auth, ReasonCode expected)
    {
        if (auth.Properties.AuthenticationMethod != _enhanced!.Method)
        {
            return $"AUTH with Authentication Method \"{auth.Properties.AuthenticationMethod}\", not the CONNECT's \"{_enhanced.Method}\" [MQTT-4.12.0-5, MQTT-4.12.1-1]";
        }

        return auth.ReasonCode == expected
            ? null
            : $"AUTH 0x{(byte)auth.ReasonCode:X2} where 0x{(byte)expected:X2} was due (3.15.2.1, [MQTT-4.12.0-3])";
    }

    /// <summary>A step of the CONNECT's exchange: AUTH 0x18, the session's opening, or CONNACK 0x87 [MQTT-4.12.0-4].</summary>
    private ChannelResult ConnectStep(AuthExchangeStep step)
    {
        var enhanced = _enhanced!;
        enhanced.Exchange = step.Next;
        switch (step.Status)
        {
            case AuthExchangeStatus.Continue:
                State = ChannelState.Authenticating;
                return ChannelResult.Send(Auth(ReasonCode.ContinueAuthentication, step.Data));
            case AuthExchangeStatus.Success:
                return ConnectAuthenticated(step);
            default:
                _authentication = ConnectAuthentication.Failed;
                return CloseWith(
                    new ConnAckPacket { ReasonCode = ReasonCode.NotAuthorized, Properties = AuthProperties(step.Data) },
                    new ChannelClose(CloseCause.ConnectRefused, DisconnectKind.Abnormal, ReasonCode.NotAuthorized,
                        $"{enhanced.Method} authentication failed: {step.Detail}"));
        }
    }

    /// <summary>
    /// The exchange proved the user: the session opens as after the chain, with the method and the server's last data in
    /// the CONNACK [MQTT-4.12.0-5]. The proven user is the client's username: a CONNECT naming another is refused, and
    /// one naming none takes it (bans are checked again on it), so that authorization sees whom SCRAM proved.
    /// </summary>
    private ChannelResult ConnectAuthenticated(AuthExchangeStep step)
    {
        var enhanced = _enhanced!;
        var pending = enhanced.Pending!;
        enhanced.Pending = null;
        enhanced.UserId = step.UserId;
        var client = pending.Credentials.Client;
        var open = pending.Open;
        if (step.UserId is { } user && client.Username != user)
        {
            if (client.Username is { } claimed)
            {
                _authentication = ConnectAuthentication.Failed;
                return Refuse(ReasonCode.NotAuthorized, $"{enhanced.Method} proved user {user}, but the CONNECT names {claimed}");
            }

            client = client with { Username = user };
            open = open with { Request = open.Request with { UserName = user } };
            if (_security.Bans?.Find(client) is { } ban)
            {
                return Refuse(ReasonCode.Banned, $"banned by {ban.By}: {ban.Reason}");
            }
        }

        var connAck = open.ConnAck with { Properties = open.ConnAck.Properties with { AuthenticationMethod = enhanced.Method, AuthenticationData = DataOrNull(step.Data) } };
        var outcome = new ChainOutcome(true, step.IsSuperuser, false, $"allowed by {enhanced.Step.Authenticator.Name} ({enhanced.Method})");
        var decided = new AuthenticateConnect(new Credentials(client, null), open with { ConnAck = connAck }, outcome);
        // A source that keeps rules per client is read off the read path, as after the chain.
        return _security.Authorizer?.LoadsRules == true ? ChannelResult.Forward(decided) : Authenticated(decided, outcome);
    }

    /// <summary>A step of a re-authentication: AUTH 0x18, AUTH 0x00, or DISCONNECT 0x87 [MQTT-4.12.1-2].</summary>
    private ChannelResult ReauthenticationStep(AuthExchangeStep step)
    {
        var enhanced = _enhanced!;
        enhanced.Exchange = step.Next;
        switch (step.Status)
        {
            case AuthExchangeStatus.Continue:
                return ChannelResult.Send(Auth(ReasonCode.ContinueAuthentication, step.Data));
            case AuthExchangeStatus.Success when step.UserId == enhanced.UserId:
                return ChannelResult.Send(Auth(ReasonCode.Success, step.Data));
            case AuthExchangeStatus.Success:
                return Violation(ReasonCode.NotAuthorized, $"re-authenticated as {step.UserId}, connected as {enhanced.UserId}");
            default:
                return Violation(ReasonCode.NotAuthorized, $"re-authentication with {enhanced.Method} failed: {step.Detail} [MQTT-4.12.1-2]");
        }
    }

    private AuthPacket Auth(ReasonCode code, ReadOnlyMemory<byte> data) => new() { ReasonCode = code, Properties = AuthProperties(data) };

    private MqttProperties AuthProperties(ReadOnlyMemory<byte> data) => new()
    {
        AuthenticationMethod = _enhanced!.Method,
        AuthenticationData = DataOrNull(data),
    };

    private static ReadOnlyMemory<byte>? DataOrNull(ReadOnlyMemory<byte> data) => data.IsEmpty ? null : data;

    /// <summary>The exchange's step reads it before this read ends; no copy.</summary>
    private static ReadOnlySpan<byte> DataOf(AuthPacket auth) => auth.Properties.AuthenticationData is { } data ? data.Span : default;

    /// <summary>For the authenticator's first step, which may complete after this read's buffer is released.</summary>
    private static ReadOnlyMemory<byte> Copy(ReadOnlyMemory<byte>? data) => data is { } given ? given.ToArray() : ReadOnlyMemory<byte>.Empty;
}
