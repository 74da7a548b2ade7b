using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Mqtt.Tests.Codec.Support;

/// <summary>One fuzz input, the decoder to read it with, and the points at which its chunks arrive.</summary>
internal sealed record FuzzCase(byte[] Input, PeerRole Sender, MqttProtocolVersion Version, int[] Arrivals)
{
    public override string ToString() =>
        $"peer {Sender}, level {Version}, arrivals at [{string.Join(",", Arrivals)}], input {Wire.Hex(Input)}";
}

/// <summary>
/// The catalog's packets, encoded and grouped by sender and level, and the ways of breaking them: bits
/// flipped, bytes set (at random or to values that mean something in MQTT), truncation, bytes inserted,
/// deleted and duplicated, remaining lengths and inner lengths rewritten; or purely random byte streams.
/// </summary>
internal sealed class FuzzCorpus
{
    private static readonly byte[] InterestingBytes =
    [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x7F, 0x80, 0x81, 0xC0, 0xED, 0xFE, 0xFF, (byte)'+', (byte)'#', (byte)'/',
        0x08, 0x09, 0x0B, 0x11, 0x12, 0x13, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1C, 0x1F, 0x21, 0x22, 0x23,
        0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A,
    ];

    private static readonly MqttProtocolVersion[] AnyVersion =
        [MqttProtocolVersion.Unknown, MqttProtocolVersion.V310, MqttProtocolVersion.V311, MqttProtocolVersion.V500];

    private readonly List<Group> _groups = [];

    private FuzzCorpus(int maximumPacketSize) => MaximumPacketSize = maximumPacketSize;

    public int MaximumPacketSize { get; }

    public static FuzzCorpus Build(int maximumPacketSize)
    {
        var corpus = new FuzzCorpus(maximumPacketSize);
        foreach (var group in PacketCatalog.All.GroupBy(e => (e.Sender, e.Version)))
        {
            var packets = group.Select(e => Wire.Encode(e.Packet, e.Version)).ToArray();
            var connects = group.Where(e => e.Packet is ConnectPacket).Select(e => Wire.Encode(e.Packet, e.Version)).ToArray();
            corpus._groups.Add(new Group(group.Key.Sender, group.Key.Version, packets, connects));
        }

        return corpus;
    }

    public FuzzCase Generate(Random random)
    {
        var (sender, version, input) = random.Next(100) < 12 ? RandomStream(random) : MutatedPackets(random);
        var arrivals = new int[random.Next(6)];
        for (var i = 0; i < arrivals.Length; i++)
        {
            arrivals[i] = random.Next(input.Length + 1);
        }

        Array.Sort(arrivals);
        return new FuzzCase(input, sender, version, arrivals);
    }

    private static (PeerRole, MqttProtocolVersion, byte[]) RandomStream(Random random)
    {
        var input = new byte[random.Next(48)];
        random.NextBytes(input);
        if (input.Length >= 2 && random.Next(2) == 0)
        {
            // A plausible fixed header, so that bodies get parsed and not only headers refused.
            var type = random.Next(1, 16);
            var flags = random.Next(4) == 0 ? random.Next(16) : type switch { 3 => random.Next(6) << 1, 6 or 8 or 10 => 2, _ => 0 };
            input[0] = (byte)((type << 4) | flags);
            input[1] = (byte)random.Next(input.Length - 1);
        }

        return (random.Next(2) == 0 ? PeerRole.Client : PeerRole.Server, AnyVersion[random.Next(AnyVersion.Length)], input);
    }

    private (PeerRole, MqttProtocolVersion, byte[]) MutatedPackets(Random random)
    {
        var group = _groups[random.Next(_groups.Count)];
        var chosen = new List<byte[]>();
        var decoderVersion = group.Version;
        if (group.Sender == PeerRole.Client && random.Next(2) == 0)
        {
            // The broker's side before CONNECT: the level comes from the CONNECT in front.
            decoderVersion = MqttProtocolVersion.Unknown;
            chosen.Add(group.Connects[random.Next(group.Connects.Length)]);
        }

        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            chosen.Add(group.Packets[random.Next(group.Packets.Length)]);
        }

        var starts = new List<int>();
        var bytes = new List<byte>();
        foreach (var packet in chosen)
        {
            starts.Add(bytes.Count);
            bytes.AddRange(packet);
        }

        if (random.Next(4) == 0)
        {
            RewriteRemainingLength(bytes, starts[random.Next(starts.Count)], random);
        }

        var mutations = random.Next(5);
        for (var i = 0; i < mutations && bytes.Count > 0; i++)
        {
            Mutate(bytes, random);
        }

        return (group.Sender, decoderVersion, bytes.ToArray());
    }

    private static void Mutate(List<byte> bytes, Random random)
    {
        var at = random.Next(bytes.Count);
        switch (random.Next(9))
        {
            case 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                bytes[at] = (byte)random.Next(256);
                break;
            case 2:
                bytes[at] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 3:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 4:
                var inserted = new byte[random.Next(1, 9)];
                random.NextBytes(inserted);
                bytes.InsertRange(at, inserted);
                break;
            case 5:
                bytes.RemoveRange(at, Math.Min(random.Next(1, 9), bytes.Count - at));
                break;
            case 6:
                SetInnerLength(bytes, at, random.Next(3) == 0 ? 0xFFFF : random.Next(48));
                break;
            case 7:
                var from = random.Next(bytes.Count);
                bytes.InsertRange(at, bytes.GetRange(from, Math.Min(random.Next(1, 17), bytes.Count - from)));
                break;
            default:
                bytes[at] = (byte)(bytes[at] + random.Next(-2, 3));
                break;
        }
    }

    /// <summary>Two bytes read as a string, binary data or property length by whatever comes to them.</summary>
    private static void SetInnerLength(List<byte> bytes, int at, int length)
    {
        bytes[at] = (byte)(length >> 8);
        if (at + 1 < bytes.Count)
        {
            bytes[at + 1] = (byte)length;
        }
    }

    /// <summary>Replaces the remaining length of the packet at <paramref name="start"/>: off by a little, anything, near the limit, or huge.</summary>
    private void RewriteRemainingLength(List<byte> bytes, int start, Random random)
    {
        var at = start + 1;
        var value = 0;
        var length = 0;
        while (at + length < bytes.Count && length < 4)
        {
            var b = bytes[at + length];
            value |= (b & 0x7F) << (7 * length);
            length++;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        value = random.Next(4) switch
        {
            0 => Math.Max(0, value + random.Next(-3, 4)),
            1 => random.Next(300),
            2 => random.Next(MaximumPacketSize - 8, MaximumPacketSize + 8),
            _ => random.Next(268_435_456),
        };
        var encoded = new PacketBytes().VariableByteInteger(value).ToArray().ToList();
        if (random.Next(10) == 0 && encoded.Count < 4)
        {
            // Not in the minimum number of bytes.
            encoded[^1] |= 0x80;
            encoded.Add(0x00);
        }

        bytes.RemoveRange(at, length);
        bytes.InsertRange(at, encoded);
    }

    private sealed record Group(PeerRole Sender, MqttProtocolVersion Version, byte[][] Packets, byte[][] Connects);
}
