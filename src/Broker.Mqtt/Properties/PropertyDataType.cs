namespace Broker.Mqtt.Properties;

/// <summary>The wire encodings of section 1.5 that property values use.</summary>
public enum PropertyDataType : byte
{
    None = 0,
    Byte,
    TwoByteInteger,
    FourByteInteger,
    VariableByteInteger,
    Utf8String,
    BinaryData,
    Utf8StringPair,
}
