using System.Buffers;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Codec;

/// <summary>
/// The property section of 5.0 packets (2.2.2): a Variable Byte Integer length, then identifier/value
/// pairs. Reading enforces the section 2.2.2.2 table: an identifier unknown or not allowed in this
/// packet, or a value cut short, is malformed; a property repeated where the specification forbids it,
/// or a value outside its range, is a protocol error.
/// </summary>
internal static class PropertyCodec
{
    public static MqttProperties Read(ref SequenceReader<byte> reader, PropertyContext context)
    {
        var block = ReadBlock(ref reader);
        return block.IsEmpty ? MqttProperties.Empty : Parse(block, context);
    }

    /// <summary>Slices the property section without parsing it, so a caller can compare it to a cached one.</summary>
    public static ReadOnlySequence<byte> ReadBlock(ref SequenceReader<byte> reader)
    {
        var length = WireReader.ReadVariableByteInteger(ref reader, "property length");
        if (!reader.TryReadExact(length, out var block))
        {
            Throw.Malformed("the property length exceeds the remaining length");
        }

        return block;
    }

    public static MqttProperties Parse(ReadOnlySequence<byte> block, PropertyContext context)
    {
        var reader = new SequenceReader<byte>(block);
        var properties = new MqttProperties();
        List<UserProperty>? userProperties = null;
        List<int>? subscriptionIdentifiers = null;
        ulong seen = 0;
        while (!reader.End)
        {
            var id = ReadIdentifier(ref reader, context, ref seen);
            switch (id)
            {
                case PropertyId.PayloadFormatIndicator:
                    properties._payloadFormatIndicator = (PayloadFormatIndicator)ReadFlag(ref reader, id);
                    break;
                case PropertyId.MessageExpiryInterval:
                    properties._messageExpiryInterval = WireReader.ReadUInt32(ref reader, Name(id));
                    break;
                case PropertyId.ContentType:
                    properties._contentType = WireReader.ReadString(ref reader, Name(id));
                    break;
                case PropertyId.ResponseTopic:
                    properties._responseTopic = ReadResponseTopic(ref reader);
                    break;
                case PropertyId.CorrelationData:
                    properties._correlationData = WireReader.ReadBinary(ref reader, Name(id));
                    break;
                case PropertyId.SubscriptionIdentifier:
                    (subscriptionIdentifiers ??= []).Add(ReadSubscriptionIdentifier(ref reader));
                    break;
                case PropertyId.SessionExpiryInterval:
                    properties._sessionExpiryInterval = WireReader.ReadUInt32(ref reader, Name(id));
                    break;
                case PropertyId.AssignedClientIdentifier:
                    properties._assignedClientIdentifier = WireReader.ReadString(ref reader, Name(id));
                    break;
                case PropertyId.ServerKeepAlive:
                    properties._serverKeepAlive = WireReader.ReadUInt16(ref reader, Name(id));
                    break;
                case PropertyId.AuthenticationMethod:
                    properties._authenticationMethod = WireReader.ReadString(ref reader, Name(id));
                    break;
                case PropertyId.AuthenticationData:
                    properties._authenticationData = WireReader.ReadBinary(ref reader, Name(id));
                    break;
                case PropertyId.RequestProblemInformation:
                    properties._requestProblemInformation = ReadFlag(ref reader, id) == 1;
                    break;
                case PropertyId.WillDelayInterval:
                    properties._willDelayInterval = WireReader.ReadUInt32(ref reader, Name(id));
                    break;
                case PropertyId.RequestResponseInformation:
                    properties._requestResponseInformation = ReadFlag(ref reader, id) == 1;
                    break;
                case PropertyId.ResponseInformation:
                    properties._responseInformation = WireReader.ReadString(ref reader, Name(id));
                    break;
                case PropertyId.ServerReference:
                    properties._serverReference = WireReader.ReadString(ref reader, Name(id));
                    break;
                case PropertyId.ReasonString:
                    properties._reasonString = WireReader.ReadString(ref reader, Name(id));
                    break;
                case PropertyId.ReceiveMaximum:
                    properties._receiveMaximum = ReadNonZeroUInt16(ref reader, id, ReasonCode.ProtocolError);
                    break;
                case PropertyId.TopicAliasMaximum:
                    properties._topicAliasMaximum = WireReader.ReadUInt16(ref reader, Name(id));
                    break;
                case PropertyId.TopicAlias:
                    // [MQTT-3.3.2-8]: 0 is not a topic alias.
                    properties._topicAlias = ReadNonZeroUInt16(ref reader, id, ReasonCode.TopicAliasInvalid);
                    break;
                case PropertyId.MaximumQoS:
                    properties._maximumQoS = (QualityOfService)ReadFlag(ref reader, id);
                    break;
                case PropertyId.RetainAvailable:
                    properties._retainAvailable = ReadFlag(ref reader, id) == 1;
                    break;
                case PropertyId.UserProperty:
                    var name = WireReader.ReadString(ref reader, "user property name");
                    var value = WireReader.ReadString(ref reader, "user property value");
                    (userProperties ??= []).Add(new UserProperty(name, value));
                    break;
                case PropertyId.MaximumPacketSize:
                    var maximum = WireReader.ReadUInt32(ref reader, Name(id));
                    if (maximum == 0)
                    {
                        Throw.ProtocolError("Maximum Packet Size is 0 [MQTT-3.1.2.11.4]");
                    }

                    properties._maximumPacketSize = maximum;
                    break;
                case PropertyId.WildcardSubscriptionAvailable:
                    properties._wildcardSubscriptionAvailable = ReadFlag(ref reader, id) == 1;
                    break;
                case PropertyId.SubscriptionIdentifierAvailable:
                    properties._subscriptionIdentifierAvailable = ReadFlag(ref reader, id) == 1;
                    break;
                case PropertyId.SharedSubscriptionAvailable:
                    properties._sharedSubscriptionAvailable = ReadFlag(ref reader, id) == 1;
                    break;
            }
        }

        if (userProperties is not null)
        {
            properties._userProperties = userProperties;
        }

        if (subscriptionIdentifiers is not null)
        {
            properties._subscriptionIdentifiers = subscriptionIdentifiers;
        }

        return properties;
    }

    /// <summary>The bytes of the property section after its length prefix.</summary>
    public static int GetSize(MqttProperties properties)
    {
        if (ReferenceEquals(properties, MqttProperties.Empty))
        {
            return 0;
        }

        var size = 0;
        size += Fixed(properties.PayloadFormatIndicator.HasValue, 1);
        size += Fixed(properties.MessageExpiryInterval.HasValue, 4);
        size += String(properties.ContentType, PropertyId.ContentType);
        size += String(properties.ResponseTopic, PropertyId.ResponseTopic);
        size += Binary(properties.CorrelationData, PropertyId.CorrelationData);
        // Loops by index: foreach over an IReadOnlyList allocates an enumerator.
        var subscriptionIdentifiers = properties.SubscriptionIdentifiers;
        for (var i = 0; i < subscriptionIdentifiers.Count; i++)
        {
            size += 1 + WireSize.VariableByteInteger(subscriptionIdentifiers[i]);
        }

        size += Fixed(properties.SessionExpiryInterval.HasValue, 4);
        size += String(properties.AssignedClientIdentifier, PropertyId.AssignedClientIdentifier);
        size += Fixed(properties.ServerKeepAlive.HasValue, 2);
        size += String(properties.AuthenticationMethod, PropertyId.AuthenticationMethod);
        size += Binary(properties.AuthenticationData, PropertyId.AuthenticationData);
        size += Fixed(properties.RequestProblemInformation.HasValue, 1);
        size += Fixed(properties.WillDelayInterval.HasValue, 4);
        size += Fixed(properties.RequestResponseInformation.HasValue, 1);
        size += String(properties.ResponseInformation, PropertyId.ResponseInformation);
        size += String(properties.ServerReference, PropertyId.ServerReference);
        size += String(properties.ReasonString, PropertyId.ReasonString);
        size += Fixed(properties.ReceiveMaximum.HasValue, 2);
        size += Fixed(properties.TopicAliasMaximum.HasValue, 2);
        size += Fixed(properties.TopicAlias.HasValue, 2);
        size += Fixed(properties.MaximumQoS.HasValue, 1);
        size += Fixed(properties.RetainAvailable.HasValue, 1);
        var userProperties = properties.UserProperties;
        for (var i = 0; i < userProperties.Count; i++)
        {
            var user = userProperties[i];
            size += 1 + 2 + WireSize.Utf8(user.Name, "user property name") + 2 + WireSize.Utf8(user.Value, "user property value");
        }

        size += Fixed(properties.MaximumPacketSize.HasValue, 4);
        size += Fixed(properties.WildcardSubscriptionAvailable.HasValue, 1);
        size += Fixed(properties.SubscriptionIdentifierAvailable.HasValue, 1);
        size += Fixed(properties.SharedSubscriptionAvailable.HasValue, 1);
        return size;
    }

    /// <summary>The property section with its length prefix.</summary>
    public static int GetSectionSize(MqttProperties properties)
    {
        var size = GetSize(properties);
        return WireSize.VariableByteInteger(size) + size;
    }

    /// <summary>Writes the length prefix and the properties; <paramref name="size"/> comes from <see cref="GetSize"/>.</summary>
    public static void Write(ref PacketWriter writer, MqttProperties properties, int size)
    {
        writer.WriteVariableByteInteger(size);
        if (size == 0)
        {
            return;
        }

        WriteByte(ref writer, PropertyId.PayloadFormatIndicator, (byte?)properties.PayloadFormatIndicator);
        WriteUInt32(ref writer, PropertyId.MessageExpiryInterval, properties.MessageExpiryInterval);
        WriteString(ref writer, PropertyId.ContentType, properties.ContentType);
        WriteString(ref writer, PropertyId.ResponseTopic, properties.ResponseTopic);
        WriteBinary(ref writer, PropertyId.CorrelationData, properties.CorrelationData);
        var subscriptionIdentifiers = properties.SubscriptionIdentifiers;
        for (var i = 0; i < subscriptionIdentifiers.Count; i++)
        {
            writer.WriteByte((byte)PropertyId.SubscriptionIdentifier);
            writer.WriteVariableByteInteger(subscriptionIdentifiers[i]);
        }

        WriteUInt32(ref writer, PropertyId.SessionExpiryInterval, properties.SessionExpiryInterval);
        WriteString(ref writer, PropertyId.AssignedClientIdentifier, properties.AssignedClientIdentifier);
        WriteUInt16(ref writer, PropertyId.ServerKeepAlive, properties.ServerKeepAlive);
        WriteString(ref writer, PropertyId.AuthenticationMethod, properties.AuthenticationMethod);
        WriteBinary(ref writer, PropertyId.AuthenticationData, properties.AuthenticationData);
        WriteByte(ref writer, PropertyId.RequestProblemInformation, Flag(properties.RequestProblemInformation));
        WriteUInt32(ref writer, PropertyId.WillDelayInterval, properties.WillDelayInterval);
        WriteByte(ref writer, PropertyId.RequestResponseInformation, Flag(properties.RequestResponseInformation));
        WriteString(ref writer, PropertyId.ResponseInformation, properties.ResponseInformation);
        WriteString(ref writer, PropertyId.ServerReference, properties.ServerReference);
        WriteString(ref writer, PropertyId.ReasonString, properties.ReasonString);
        WriteUInt16(ref writer, PropertyId.ReceiveMaximum, properties.ReceiveMaximum);
        WriteUInt16(ref writer, PropertyId.TopicAliasMaximum, properties.TopicAliasMaximum);
        WriteUInt16(ref writer, PropertyId.TopicAlias, properties.TopicAlias);
        WriteByte(ref writer, PropertyId.MaximumQoS, (byte?)properties.MaximumQoS);
        WriteByte(ref writer, PropertyId.RetainAvailable, Flag(properties.RetainAvailable));
        var userProperties = properties.UserProperties;
        for (var i = 0; i < userProperties.Count; i++)
        {
            var user = userProperties[i];
            writer.WriteByte((byte)PropertyId.UserProperty);
            writer.WriteString(user.Name, WireSize.Utf8(user.Name, "user property name"));
            writer.WriteString(user.Value, WireSize.Utf8(user.Value, "user property value"));
        }

        WriteUInt32(ref writer, PropertyId.MaximumPacketSize, properties.MaximumPacketSize);
        WriteByte(ref writer, PropertyId.WildcardSubscriptionAvailable, Flag(properties.WildcardSubscriptionAvailable));
        WriteByte(ref writer, PropertyId.SubscriptionIdentifierAvailable, Flag(properties.SubscriptionIdentifierAvailable));
        WriteByte(ref writer, PropertyId.SharedSubscriptionAvailable, Flag(properties.SharedSubscriptionAvailable));
    }

    private static PropertyId ReadIdentifier(ref SequenceReader<byte> reader, PropertyContext context, ref ulong seen)
    {
        // Identifiers are Variable Byte Integers (2.2.2.2); all defined ones fit in one byte.
        var value = WireReader.ReadVariableByteInteger(ref reader, "property identifier");
        if (value > byte.MaxValue || PropertyRules.TypeOf((byte)value) == PropertyDataType.None)
        {
            Throw.Malformed($"0x{value:X2} is not a property identifier");
        }

        var id = (PropertyId)value;
        if (!PropertyRules.IsAllowedIn((byte)value, context))
        {
            Throw.Malformed($"{id} is not allowed in {ContextName(context)}");
        }

        var bit = 1UL << value;
        if ((seen & bit) != 0 && !PropertyRules.MayRepeat(id, context))
        {
            Throw.ProtocolError($"{id} appears more than once in {ContextName(context)}");
        }

        seen |= bit;
        return id;
    }

    /// <summary>Byte properties whose only values are 0 and 1; anything else is a protocol error.</summary>
    private static byte ReadFlag(ref SequenceReader<byte> reader, PropertyId id)
    {
        var value = WireReader.ReadByte(ref reader, Name(id));
        if (value > 1)
        {
            Throw.ProtocolError($"{id} is {value}; only 0 and 1 are allowed");
        }

        return value;
    }

    private static ushort ReadNonZeroUInt16(ref SequenceReader<byte> reader, PropertyId id, ReasonCode reason)
    {
        var value = WireReader.ReadUInt16(ref reader, Name(id));
        if (value == 0)
        {
            Throw.Error(reason, $"{id} is 0, which is not allowed");
        }

        return value;
    }

    private static int ReadSubscriptionIdentifier(ref SequenceReader<byte> reader)
    {
        var value = WireReader.ReadVariableByteInteger(ref reader, "subscription identifier");
        if (value == 0)
        {
            Throw.ProtocolError("Subscription Identifier is 0 [MQTT-3.8.2.1.2]");
        }

        return value;
    }

    /// <summary>[MQTT-3.3.2-13]: the Response Topic is a Topic Name, so it carries no wildcard.</summary>
    private static string ReadResponseTopic(ref SequenceReader<byte> reader)
    {
        var topic = WireReader.ReadString(ref reader, Name(PropertyId.ResponseTopic));
        if (topic.AsSpan().IndexOfAny('+', '#') >= 0)
        {
            Throw.ProtocolError("the Response Topic contains a wildcard [MQTT-3.3.2-14]");
        }

        return topic;
    }

    private static string ContextName(PropertyContext context) =>
        context == PropertyContext.Will ? "will properties" : context.ToString().ToUpperInvariant();

    /// <summary>Names computed once: Enum.ToString boxes, and these run on every property, not only on errors.</summary>
    private static readonly string[] Names = Enumerable.Range(0, 64).Select(i => ((PropertyId)i).ToString()).ToArray();

    private static string Name(PropertyId id) => Names[(int)id];

    private static int Fixed(bool present, int valueSize) => present ? 1 + valueSize : 0;

    private static int String(string? value, PropertyId id) => value is null ? 0 : 1 + 2 + WireSize.Utf8(value, Name(id));

    private static int Binary(ReadOnlyMemory<byte>? value, PropertyId id) =>
        value is { } data ? 1 + WireSize.Binary(data.Length, Name(id)) : 0;

    private static byte? Flag(bool? value) => value is { } flag ? (byte)(flag ? 1 : 0) : null;

    private static void WriteByte(ref PacketWriter writer, PropertyId id, byte? value)
    {
        if (value is { } v)
        {
            writer.WriteByte((byte)id);
            writer.WriteByte(v);
        }
    }

    private static void WriteUInt16(ref PacketWriter writer, PropertyId id, ushort? value)
    {
        if (value is { } v)
        {
            writer.WriteByte((byte)id);
            writer.WriteUInt16(v);
        }
    }

    private static void WriteUInt32(ref PacketWriter writer, PropertyId id, uint? value)
    {
        if (value is { } v)
        {
            writer.WriteByte((byte)id);
            writer.WriteUInt32(v);
        }
    }

    private static void WriteString(ref PacketWriter writer, PropertyId id, string? value)
    {
        if (value is not null)
        {
            writer.WriteByte((byte)id);
            writer.WriteString(value, WireSize.Utf8(value, Name(id)));
        }
    }

    private static void WriteBinary(ref PacketWriter writer, PropertyId id, ReadOnlyMemory<byte>? value)
    {
        if (value is { } data)
        {
            writer.WriteByte((byte)id);
            writer.WriteBinary(data.Span);
        }
    }
}
