namespace Broker.Mqtt.Properties;

/// <summary>
/// The MQTT 5.0 properties of a packet (section 2.2.2), typed. Absent properties are null, so that
/// "not sent" and "sent with the default value" stay distinguishable, as several rules require
/// (a missing Receive Maximum means 65,535; a missing Session Expiry Interval means 0).
/// Immutable once built: the decoder fills the internal fields, everyone else uses init and <c>with</c>.
/// </summary>
public sealed record MqttProperties
{
    public static readonly MqttProperties Empty = new();

    internal PayloadFormatIndicator? _payloadFormatIndicator;
    internal uint? _messageExpiryInterval;
    internal string? _contentType;
    internal string? _responseTopic;
    internal ReadOnlyMemory<byte>? _correlationData;
    internal uint? _sessionExpiryInterval;
    internal string? _assignedClientIdentifier;
    internal ushort? _serverKeepAlive;
    internal string? _authenticationMethod;
    internal ReadOnlyMemory<byte>? _authenticationData;
    internal bool? _requestProblemInformation;
    internal uint? _willDelayInterval;
    internal bool? _requestResponseInformation;
    internal string? _responseInformation;
    internal string? _serverReference;
    internal string? _reasonString;
    internal ushort? _receiveMaximum;
    internal ushort? _topicAliasMaximum;
    internal ushort? _topicAlias;
    internal QualityOfService? _maximumQoS;
    internal bool? _retainAvailable;
    internal uint? _maximumPacketSize;
    internal bool? _wildcardSubscriptionAvailable;
    internal bool? _subscriptionIdentifierAvailable;
    internal bool? _sharedSubscriptionAvailable;
    internal IReadOnlyList<int> _subscriptionIdentifiers = [];
    internal IReadOnlyList<UserProperty> _userProperties = [];

    /// <summary>3.3.2.3.2: 0 unspecified bytes, 1 UTF-8 character data.</summary>
    public PayloadFormatIndicator? PayloadFormatIndicator { get => _payloadFormatIndicator; init => _payloadFormatIndicator = value; }

    /// <summary>3.3.2.3.3: seconds; absent means the message does not expire.</summary>
    public uint? MessageExpiryInterval { get => _messageExpiryInterval; init => _messageExpiryInterval = value; }

    public string? ContentType { get => _contentType; init => _contentType = value; }

    public string? ResponseTopic { get => _responseTopic; init => _responseTopic = value; }

    public ReadOnlyMemory<byte>? CorrelationData { get => _correlationData; init => _correlationData = value; }

    /// <summary>3.1.2.11.2: seconds; 0xFFFFFFFF means the session never expires.</summary>
    public uint? SessionExpiryInterval { get => _sessionExpiryInterval; init => _sessionExpiryInterval = value; }

    public string? AssignedClientIdentifier { get => _assignedClientIdentifier; init => _assignedClientIdentifier = value; }

    public ushort? ServerKeepAlive { get => _serverKeepAlive; init => _serverKeepAlive = value; }

    public string? AuthenticationMethod { get => _authenticationMethod; init => _authenticationMethod = value; }

    public ReadOnlyMemory<byte>? AuthenticationData { get => _authenticationData; init => _authenticationData = value; }

    public bool? RequestProblemInformation { get => _requestProblemInformation; init => _requestProblemInformation = value; }

    public uint? WillDelayInterval { get => _willDelayInterval; init => _willDelayInterval = value; }

    public bool? RequestResponseInformation { get => _requestResponseInformation; init => _requestResponseInformation = value; }

    public string? ResponseInformation { get => _responseInformation; init => _responseInformation = value; }

    public string? ServerReference { get => _serverReference; init => _serverReference = value; }

    public string? ReasonString { get => _reasonString; init => _reasonString = value; }

    public ushort? ReceiveMaximum { get => _receiveMaximum; init => _receiveMaximum = value; }

    public ushort? TopicAliasMaximum { get => _topicAliasMaximum; init => _topicAliasMaximum = value; }

    public ushort? TopicAlias { get => _topicAlias; init => _topicAlias = value; }

    public QualityOfService? MaximumQoS { get => _maximumQoS; init => _maximumQoS = value; }

    public bool? RetainAvailable { get => _retainAvailable; init => _retainAvailable = value; }

    public uint? MaximumPacketSize { get => _maximumPacketSize; init => _maximumPacketSize = value; }

    public bool? WildcardSubscriptionAvailable { get => _wildcardSubscriptionAvailable; init => _wildcardSubscriptionAvailable = value; }

    public bool? SubscriptionIdentifierAvailable { get => _subscriptionIdentifierAvailable; init => _subscriptionIdentifierAvailable = value; }

    public bool? SharedSubscriptionAvailable { get => _sharedSubscriptionAvailable; init => _sharedSubscriptionAvailable = value; }

    /// <summary>Several in a PUBLISH sent to a client (one per matching subscription), at most one in SUBSCRIBE.</summary>
    public IReadOnlyList<int> SubscriptionIdentifiers { get => _subscriptionIdentifiers; init => _subscriptionIdentifiers = value; }

    public IReadOnlyList<UserProperty> UserProperties { get => _userProperties; init => _userProperties = value; }
}
