namespace Broker.Mqtt.Codec;

public enum DecodeStatus
{
    /// <summary>One packet was decoded and the buffer now starts after it.</summary>
    Decoded,

    /// <summary>The buffer holds no complete packet yet; it is unchanged and all of it was examined.</summary>
    Incomplete,

    /// <summary>The bytes break the protocol: the connection must end, as the error says.</summary>
    Failed,
}
