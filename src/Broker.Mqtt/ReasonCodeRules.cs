namespace Broker.Mqtt;

/// <summary>
/// Which reason codes each MQTT 5.0 packet may carry (sections 3.2.2.2, 3.4.2.1, 3.5.2.1, 3.6.2.1,
/// 3.7.2.1, 3.9.3, 3.11.3, 3.14.2.1, 3.15.2.1). A receiver treats any other value as malformed.
/// </summary>
public static class ReasonCodeRules
{
    // One 256-bit set per packet type, built once: a lookup is a shift and a mask.
    private static readonly ulong[][] Allowed = Build();

    public static bool IsAllowed(PacketType type, byte code)
    {
        var set = Allowed[(int)type];
        return set.Length != 0 && (set[code >> 6] & (1UL << (code & 63))) != 0;
    }

    private static ulong[][] Build()
    {
        var table = new ulong[16][];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = [];
        }

        table[(int)PacketType.ConnAck] = Set(0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A,
            0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F);
        var publishResponse = Set(0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
        table[(int)PacketType.PubAck] = publishResponse;
        table[(int)PacketType.PubRec] = publishResponse;
        var releaseResponse = Set(0x00, 0x92);
        table[(int)PacketType.PubRel] = releaseResponse;
        table[(int)PacketType.PubComp] = releaseResponse;
        table[(int)PacketType.SubAck] = Set(0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2);
        table[(int)PacketType.UnsubAck] = Set(0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91);
        table[(int)PacketType.Disconnect] = Set(0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F,
            0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2);
        table[(int)PacketType.Auth] = Set(0x00, 0x18, 0x19);
        return table;
    }

    private static ulong[] Set(params byte[] codes)
    {
        var set = new ulong[4];
        foreach (var code in codes)
        {
            set[code >> 6] |= 1UL << (code & 63);
        }

        return set;
    }
}
