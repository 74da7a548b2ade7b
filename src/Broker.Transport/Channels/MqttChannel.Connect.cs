using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authorization;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Transport.Channels;

public sealed partial class MqttChannel
{
    // The Session Expiry Interval the client asked for in CONNECT, before capping: DISCONNECT may not raise it from 0.
    private uint _connectSessionExpiry;

    // The broker made the client id up: no flapping to count for it.
    private bool _clientIdAssigned;

    /// <summary>The CONNECT as accepted, once the session is asked to open (read by the management API from other threads).</summary>
    public ConnectRequest? Request { get; private set; }

    /// <summary>The keep-alive in force, seconds: the client's, or on 5.0 the Server Keep Alive imposed on it. 0: none.</summary>
    public ushort KeepAliveSeconds { get; private set; }

    /// <summary>The Topic Alias Maximum the 5.0 client granted us; 0 means no outgoing aliases [MQTT-3.1.2-30].</summary>
    public ushort ClientTopicAliasMaximum { get; private set; }

    /// <summary>The Maximum Packet Size the 5.0 client set: the broker sends nothing larger [MQTT-3.1.2-24]. Absent: no limit.</summary>
    public uint ClientMaximumPacketSize { get; private set; } = uint.MaxValue;

    /// <summary>
    /// Accepts or refuses CONNECT. Accepted: <see cref="OpenSession"/> carrying the negotiated
    /// <see cref="ConnectRequest"/> and the CONNACK that the session sends once it knows Session Present.
    /// The protocol name and level, the connect flags, duplicate or zero-valued properties and the will
    /// topic's syntax were checked by the decoder.
    /// </summary>
    private ChannelResult HandleConnect(ConnectPacket connect)
    {
        ProtocolVersion = connect.ProtocolVersion;
        if (_gate?.Refusal is { } closed)
        {
            // 3.x gets return code 3, "server unavailable" (ConnectReturnCodes).
            return Refuse(ReasonCode.ServerUnavailable, closed);
        }

        if (_security.Overload?.Current is { } overload)
        {
            return Refuse(overload.Code, $"overloaded: {overload.Cause}");
        }

        var method = connect.Properties.AuthenticationMethod;
        var enhanced = method is null ? null : _security.Authentication.EnhancedStep(method);
        if (method is not null && enhanced is null)
        {
            // [MQTT-4.12.0-1]: a method no step of the chain answers.
            return Refuse(ReasonCode.BadAuthenticationMethod, $"Authentication Method \"{method}\" is not one the authentication chain offers [MQTT-4.12.0-1]");
        }

        if (CheckConnect(connect) is { } refusal)
        {
            return Refuse(refusal.Code, refusal.Detail);
        }

        var properties = connect.Properties;
        if (MissingCertificate() is { } missing)
        {
            return Refuse(ReasonCode.NotAuthorized, missing);
        }

        var certificateClientId = CertificateName(_security.ClientIdFromCertificate);
        var assigned = connect.ClientId.Length == 0 && certificateClientId is null;
        var clientId = certificateClientId ?? (assigned ? _newClientId() : connect.ClientId);
        var username = CertificateName(_security.UsernameFromCertificate) ?? connect.UserName;
        var (sessionExpiry, capped) = NegotiateSessionExpiry(connect);

        // [MQTT-3.1.2-23]: a Server Keep Alive replaces the client's; 3.x has no way to say it.
        KeepAliveSeconds = IsV5 && _settings.ServerKeepAlive != 0 ? _settings.ServerKeepAlive : connect.KeepAlive;
        ClientTopicAliasMaximum = properties.TopicAliasMaximum ?? 0;
        ClientMaximumPacketSize = properties.MaximumPacketSize ?? uint.MaxValue;
        var request = new ConnectRequest
        {
            ClientId = clientId,
            ProtocolVersion = ProtocolVersion,
            CleanStart = connect.CleanStart,
            SessionExpirySeconds = sessionExpiry,
            // Absent means 65,535 (3.1.2.11.3); the decoder refused 0.
            ReceiveMaximum = properties.ReceiveMaximum ?? ushort.MaxValue,
            MaximumPacketSize = ClientMaximumPacketSize,
            RequestProblemInformation = properties.RequestProblemInformation ?? true,
            Will = connect.Will,
            UserName = username,
        };
        var connAck = new ConnAckPacket
        {
            ReasonCode = ReasonCode.Success,
            Properties = IsV5 ? ConnAckProperties(assigned ? clientId : null, capped ? sessionExpiry : null) : MqttProperties.Empty,
        };
        var open = new OpenSession(request, _connection, connAck);
        var client = new ClientInfo
        {
            ClientId = clientId,
            Username = username,
            PeerHost = _peer.Address,
            CertCommonName = _peer.CertCommonName,
            CertSubject = _peer.CertSubject,
        };
        // Before authentication: a banned or flapping device costs no password hash and no call to an identity service.
        if (_security.Bans?.Find(client) is { } ban)
        {
            return Refuse(ReasonCode.Banned, $"banned by {ban.By}: {ban.Reason}");
        }

        _clientIdAssigned = assigned;
        if (enhanced is not null)
        {
            return StartEnhancedAuthentication(method!, enhanced, connect, client, open);
        }

        if (_security.Authentication.IsEmpty && _security.Authorizer?.LoadsRules != true)
        {
            _authentication = ConnectAuthentication.Anonymous;
            return Admit(client, open, rules: null);
        }

        // The password leaves the receive buffer here; it goes to the chain only, never into the session.
        // A CONNECT without a password field has none, not an empty one (a null array would convert to an empty one).
        var password = connect.Password is { } given ? (ReadOnlyMemory<byte>?)given.ToArray() : null;
        return ChannelResult.Forward(new AuthenticateConnect(new Credentials(client, password), open));
    }

    /// <summary>
    /// The chain's answer to <see cref="AuthenticateConnect"/>: the session opens, or CONNACK refuses the client, 0x86
    /// when an authenticator denied it (3.x return code 4) and 0x87 when none allowed it (3.x 5).
    /// </summary>
    /// <param name="rules">The client's rules from the sources that keep them per client (a database), fetched once it was allowed.</param>
    public ChannelResult Authenticated(AuthenticateConnect pending, ChainOutcome outcome, ClientRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (State is not (ChannelState.AwaitingConnect or ChannelState.Authenticating))
        {
            return ChannelResult.None;
        }

        _authentication = !outcome.Allowed ? ConnectAuthentication.Failed
            : pending.Decided is null && _security.Authentication.IsEmpty ? ConnectAuthentication.Anonymous : ConnectAuthentication.Succeeded;
        if (!outcome.Allowed)
        {
            return Refuse(outcome.BadCredentials ? ReasonCode.BadUserNameOrPassword : ReasonCode.NotAuthorized, outcome.Detail);
        }

        _credentialsExpireAtMs = outcome.ExpiresAtMs;
        // A client whose rules could not be read would be connected yet allowed nothing: it is told to come back.
        return rules is { Failures.Count: > 0 }
            ? Refuse(ReasonCode.ServerBusy, $"its rules could not be read: {string.Join("; ", rules.Failures)}")
            : Admit(Admitted(pending, outcome), pending.Open, rules);
    }

    /// <summary>The client is in: its authorization starts, and a will it may not publish is dropped (as EMQX does).</summary>
    private ChannelResult Admit(ClientInfo client, OpenSession open, ClientRules? rules)
    {
        // Counted once admitted: refused CONNECTs under somebody else's client id must not get that id banned.
        if (!_clientIdAssigned && _security.Flapping?.Connecting(client.ClientId) is { } flapping)
        {
            return Refuse(ReasonCode.Banned, $"banned for flapping: {flapping.Reason}");
        }

        // Nothing to check unless a source may deny, or the client brought rules of its own (a JWT's acl claim).
        _authorization = _security.Authorizer is { } authorizer && (!authorizer.AllowsEverything || client.Acl is not null)
            ? authorizer.ForClient(client, rules)
            : null;
        if (open.Request.Will is not { } will)
        {
            return Open(client, open, AclDecision.Allow);
        }

        return Authorize(AclAction.Publish, will.Topic, will.QoS, will.Retain) is { } decision
            ? Open(client, open, decision)
            : Suspend(new SuspendedConnect(CheckOf(AclAction.Publish, will.Topic, will.QoS, will.Retain), client, open));
    }

    /// <summary>The session opens, without the will when the client may not publish it.</summary>
    private ChannelResult Open(ClientInfo client, OpenSession open, AclDecision will)
    {
        if (will == AclDecision.Deny)
        {
            open = open with { Request = open.Request with { Will = null } };
        }

        ClientId = client.ClientId;
        Request = open.Request;
        State = ChannelState.Connected;
        return ChannelResult.Forward(open);
    }

    /// <summary>The client as the chain admitted it: superuser or not, with the rules its credentials carried.</summary>
    public static ClientInfo Admitted(AuthenticateConnect pending, ChainOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(pending);
        return pending.Credentials.Client with { IsSuperuser = outcome.IsSuperuser, Acl = outcome.Acl };
    }

    /// <summary>
    /// With <c>peer_cert_as_*</c>, the certificate is the identity: a client without one (another listener, or an ssl
    /// one that does not require it) would otherwise keep the name it claims in CONNECT, and with it another's rights.
    /// </summary>
    private string? MissingCertificate()
    {
        var wanted = _security.UsernameFromCertificate != CertificateIdentity.Disabled || _security.ClientIdFromCertificate != CertificateIdentity.Disabled;
        return wanted && _peer.CertSubject is null
            ? "no verified client certificate, and peer_cert_as_username or peer_cert_as_clientid takes the identity from one"
            : null;
    }

    private string? CertificateName(CertificateIdentity identity) => identity switch
    {
        CertificateIdentity.CommonName => _peer.CertCommonName,
        CertificateIdentity.DistinguishedName => _peer.CertSubject,
        _ => null,
    };

    private (ReasonCode Code, string Detail)? CheckConnect(ConnectPacket connect)
    {
        if (CheckClientId(connect) is { } clientIdRefusal)
        {
            return (ReasonCode.ClientIdentifierNotValid, clientIdRefusal);
        }

        return connect.Will is { } will ? CheckWill(will) : null;
    }

    private string? CheckClientId(ConnectPacket connect)
    {
        if (connect.ClientId.Length > _settings.MaxClientIdLength)
        {
            return $"the client id has {connect.ClientId.Length} characters; the maximum is {_settings.MaxClientIdLength}";
        }

        if (connect.ClientId.Length != 0)
        {
            return null;
        }

        return ProtocolVersion switch
        {
            // 3.1 requires 1 to 23 characters (3.1 section 3.1, "Client Identifier").
            MqttProtocolVersion.V310 => "an empty client id on MQTT 3.1",
            // 3.1.1 assigns an id only to a clean session: a session nobody can resume makes no sense otherwise.
            MqttProtocolVersion.V311 when !connect.CleanStart => "an empty client id with Clean Session 0 [MQTT-3.1.3-8]",
            // 5.0 assigns one whatever Clean Start says [MQTT-3.1.3-6, MQTT-3.1.3-7].
            _ => null,
        };
    }

    private (ReasonCode Code, string Detail)? CheckWill(WillMessage will)
    {
        if (will.QoS > _settings.MaximumQoS)
        {
            return (ReasonCode.QoSNotSupported, $"will QoS {(int)will.QoS} exceeds the maximum QoS {(int)_settings.MaximumQoS} [MQTT-3.2.2-12]");
        }

        if (will.Retain && !_settings.RetainAvailable)
        {
            return (ReasonCode.RetainNotSupported, "a retained will while retain is unavailable [MQTT-3.2.2-13]");
        }

        if (TopicLevels.Count(will.Topic) > _settings.MaxTopicLevels)
        {
            return (ReasonCode.TopicNameInvalid, $"the will topic has more than {_settings.MaxTopicLevels} levels");
        }

        if (_settings.StrictMode && will.Properties.PayloadFormatIndicator == PayloadFormatIndicator.Utf8
            && !System.Text.Unicode.Utf8.IsValid(will.Payload.Span))
        {
            return (ReasonCode.PayloadFormatInvalid, "the will payload is marked UTF-8 but is not (3.1.3.2.3)");
        }

        return null;
    }

    /// <summary>
    /// 5.0: the client's Session Expiry Interval (absent is 0), capped by the broker's maximum and then
    /// returned in CONNACK (3.2.2.3.2). 3.x: Clean Session 1 ends the session with the connection,
    /// Clean Session 0 keeps it as long as the broker keeps any.
    /// </summary>
    private (uint Seconds, bool Capped) NegotiateSessionExpiry(ConnectPacket connect)
    {
        var maximum = _settings.MaxSessionExpirySeconds;
        if (!IsV5)
        {
            _connectSessionExpiry = connect.CleanStart ? 0 : maximum;
            return (_connectSessionExpiry, false);
        }

        var requested = connect.Properties.SessionExpiryInterval ?? 0;
        _connectSessionExpiry = requested;
        return requested > maximum ? (maximum, true) : (requested, false);
    }

    /// <summary>
    /// What the broker tells a 5.0 client of its limits (3.2.2.3). Absent properties mean the permissive
    /// default, so only the restrictions are sent; Subscription Identifiers are always available.
    /// </summary>
    private MqttProperties ConnAckProperties(string? assignedClientId, uint? cappedSessionExpiry) => new()
    {
        // Enforced by the session (ReceiveQuota); max_inflight is the window the other way.
        ReceiveMaximum = _settings.ReceiveMaximum,
        // [MQTT-3.2.2-9]: only 0 and 1 can be sent; absent means 2.
        MaximumQoS = _settings.MaximumQoS < QualityOfService.ExactlyOnce ? _settings.MaximumQoS : null,
        RetainAvailable = _settings.RetainAvailable ? null : false,
        MaximumPacketSize = (uint)_settings.MaxPacketSize,
        TopicAliasMaximum = _settings.TopicAliasMaximum > 0 ? _settings.TopicAliasMaximum : null,
        WildcardSubscriptionAvailable = _settings.WildcardSubscriptionAvailable ? null : false,
        SharedSubscriptionAvailable = _settings.SharedSubscriptionAvailable ? null : false,
        // [MQTT-3.2.2-16]
        AssignedClientIdentifier = assignedClientId,
        ServerKeepAlive = _settings.ServerKeepAlive != 0 ? _settings.ServerKeepAlive : null,
        SessionExpiryInterval = cappedSessionExpiry,
    };
}
