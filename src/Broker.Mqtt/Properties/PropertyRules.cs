namespace Broker.Mqtt.Properties;

/// <summary>
/// The table of section 2.2.2.2: each property's data type and the packets that may carry it.
/// "A Control Packet which contains an Identifier which is not valid for its packet type, or contains
/// a value not of the specified data type, is a Malformed Packet."
/// </summary>
public static class PropertyRules
{
    private static readonly PropertyDataType[] Types = new PropertyDataType[64];
    private static readonly PropertyContext[] Contexts = new PropertyContext[64];

    static PropertyRules()
    {
        const PropertyContext acks = PropertyContext.PubAck | PropertyContext.PubRec | PropertyContext.PubRel | PropertyContext.PubComp;
        Add(PropertyId.PayloadFormatIndicator, PropertyDataType.Byte, PropertyContext.Publish | PropertyContext.Will);
        Add(PropertyId.MessageExpiryInterval, PropertyDataType.FourByteInteger, PropertyContext.Publish | PropertyContext.Will);
        Add(PropertyId.ContentType, PropertyDataType.Utf8String, PropertyContext.Publish | PropertyContext.Will);
        Add(PropertyId.ResponseTopic, PropertyDataType.Utf8String, PropertyContext.Publish | PropertyContext.Will);
        Add(PropertyId.CorrelationData, PropertyDataType.BinaryData, PropertyContext.Publish | PropertyContext.Will);
        Add(PropertyId.SubscriptionIdentifier, PropertyDataType.VariableByteInteger, PropertyContext.Publish | PropertyContext.Subscribe);
        Add(PropertyId.SessionExpiryInterval, PropertyDataType.FourByteInteger, PropertyContext.Connect | PropertyContext.ConnAck | PropertyContext.Disconnect);
        Add(PropertyId.AssignedClientIdentifier, PropertyDataType.Utf8String, PropertyContext.ConnAck);
        Add(PropertyId.ServerKeepAlive, PropertyDataType.TwoByteInteger, PropertyContext.ConnAck);
        Add(PropertyId.AuthenticationMethod, PropertyDataType.Utf8String, PropertyContext.Connect | PropertyContext.ConnAck | PropertyContext.Auth);
        Add(PropertyId.AuthenticationData, PropertyDataType.BinaryData, PropertyContext.Connect | PropertyContext.ConnAck | PropertyContext.Auth);
        Add(PropertyId.RequestProblemInformation, PropertyDataType.Byte, PropertyContext.Connect);
        Add(PropertyId.WillDelayInterval, PropertyDataType.FourByteInteger, PropertyContext.Will);
        Add(PropertyId.RequestResponseInformation, PropertyDataType.Byte, PropertyContext.Connect);
        Add(PropertyId.ResponseInformation, PropertyDataType.Utf8String, PropertyContext.ConnAck);
        Add(PropertyId.ServerReference, PropertyDataType.Utf8String, PropertyContext.ConnAck | PropertyContext.Disconnect);
        Add(PropertyId.ReasonString, PropertyDataType.Utf8String,
            PropertyContext.ConnAck | acks | PropertyContext.SubAck | PropertyContext.UnsubAck | PropertyContext.Disconnect | PropertyContext.Auth);
        Add(PropertyId.ReceiveMaximum, PropertyDataType.TwoByteInteger, PropertyContext.Connect | PropertyContext.ConnAck);
        Add(PropertyId.TopicAliasMaximum, PropertyDataType.TwoByteInteger, PropertyContext.Connect | PropertyContext.ConnAck);
        Add(PropertyId.TopicAlias, PropertyDataType.TwoByteInteger, PropertyContext.Publish);
        Add(PropertyId.MaximumQoS, PropertyDataType.Byte, PropertyContext.ConnAck);
        Add(PropertyId.RetainAvailable, PropertyDataType.Byte, PropertyContext.ConnAck);
        Add(PropertyId.UserProperty, PropertyDataType.Utf8StringPair,
            PropertyContext.Connect | PropertyContext.ConnAck | PropertyContext.Publish | PropertyContext.Will | acks |
            PropertyContext.Subscribe | PropertyContext.SubAck | PropertyContext.Unsubscribe | PropertyContext.UnsubAck |
            PropertyContext.Disconnect | PropertyContext.Auth);
        Add(PropertyId.MaximumPacketSize, PropertyDataType.FourByteInteger, PropertyContext.Connect | PropertyContext.ConnAck);
        Add(PropertyId.WildcardSubscriptionAvailable, PropertyDataType.Byte, PropertyContext.ConnAck);
        Add(PropertyId.SubscriptionIdentifierAvailable, PropertyDataType.Byte, PropertyContext.ConnAck);
        Add(PropertyId.SharedSubscriptionAvailable, PropertyDataType.Byte, PropertyContext.ConnAck);
    }

    /// <returns><see cref="PropertyDataType.None"/> for an identifier the specification does not define.</returns>
    public static PropertyDataType TypeOf(byte id) => id < Types.Length ? Types[id] : PropertyDataType.None;

    public static bool IsAllowedIn(byte id, PropertyContext context) => id < Contexts.Length && (Contexts[id] & context) != 0;

    /// <summary>User Property may repeat anywhere, Subscription Identifier only in PUBLISH (3.3.2.3.8, 3.8.2.1.2).</summary>
    public static bool MayRepeat(PropertyId id, PropertyContext context) =>
        id == PropertyId.UserProperty || (id == PropertyId.SubscriptionIdentifier && context == PropertyContext.Publish);

    public static PropertyContext ContextOf(PacketType type) => (PropertyContext)(1 << (int)type);

    private static void Add(PropertyId id, PropertyDataType type, PropertyContext contexts)
    {
        Types[(int)id] = type;
        Contexts[(int)id] = contexts;
    }
}
