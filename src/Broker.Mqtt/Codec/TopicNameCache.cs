using System.Text;

namespace Broker.Mqtt.Codec;

/// <summary>
/// A small direct-mapped cache from a topic's UTF-8 bytes to its validated string. A machine publishes
/// the same few topics for its whole life, so after the first message decoding a PUBLISH neither
/// allocates the topic string nor validates it again. Each connection owns one (no locking), and it
/// stays small and is created on first use, because a broker holds hundreds of thousands of connections.
/// </summary>
internal sealed class TopicNameCache
{
    private const int Slots = 16;
    private const int MaximumCachedLength = 256;

    private readonly Entry?[] _entries = new Entry?[Slots];

    public bool TryGet(ReadOnlySpan<byte> utf8, out string topic)
    {
        if (utf8.Length <= MaximumCachedLength && _entries[Slot(utf8)] is { } entry && utf8.SequenceEqual(entry.Utf8))
        {
            topic = entry.Topic;
            return true;
        }

        topic = "";
        return false;
    }

    /// <summary>Remembers a topic the caller has already validated, evicting whatever shared its slot.</summary>
    public string Add(ReadOnlySpan<byte> utf8)
    {
        var topic = Encoding.UTF8.GetString(utf8);
        if (utf8.Length <= MaximumCachedLength)
        {
            _entries[Slot(utf8)] = new Entry(utf8.ToArray(), topic);
        }

        return topic;
    }

    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        // Topics of one device differ mostly at their end (".../sensor1", ".../sensor2"), so the
        // last bytes and the length spread them over the slots; hashing every byte would cost more.
        var hash = (uint)utf8.Length;
        var tail = utf8.Length >= 4 ? utf8[^4..] : utf8;
        foreach (var b in tail)
        {
            hash = (hash * 31) + b;
        }

        return (int)(hash % Slots);
    }

    private sealed record Entry(byte[] Utf8, string Topic);
}
