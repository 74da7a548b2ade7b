using Broker.Transport.Mqtt.Packets;

namespace Broker.Transport.Channels;

/// <summary>
/// Topic aliases the broker assigns on PUBLISH packets to a 5.0 client that granted a Topic Alias
/// Maximum (3.3.2.3.4). The first PUBLISH to a topic carries the topic and a new alias; later ones
/// carry an empty topic and the alias only. When every alias is in use, the least recently used
/// topic gives its alias to the new one (the PUBLISH then carries the topic again, which remaps it).
/// Never an alias above the client's maximum [MQTT-3.1.2-29, MQTT-3.3.2-11], none when it granted 0
/// [MQTT-3.1.2-30]. Used by the connection's single writer only, so it takes no lock.
/// </summary>
public sealed class OutboundTopicAliases
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _byTopic = new(StringComparer.Ordinal);

    // Most recently used first; the last one loses its alias when a new topic needs one.
    private readonly LinkedList<Entry> _recency = new();

    public OutboundTopicAliases(ushort clientMaximum)
    {
        ArgumentOutOfRangeException.ThrowIfZero(clientMaximum);
        Maximum = clientMaximum;
    }

    public ushort Maximum { get; }

    public int Count => _byTopic.Count;

    /// <summary>The packet to write instead of <paramref name="publish"/>: with its alias set, and its topic emptied when the client knows the alias.</summary>
    public PublishPacket Apply(PublishPacket publish)
    {
        if (publish.Topic.Length == 0)
        {
            return publish;
        }

        if (_byTopic.TryGetValue(publish.Topic, out var node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
            return publish with { Topic = "", Properties = publish.Properties with { TopicAlias = node.Value.Alias } };
        }

        ushort alias;
        if (_byTopic.Count < Maximum)
        {
            alias = (ushort)(_byTopic.Count + 1);
        }
        else
        {
            var oldest = _recency.Last!;
            _recency.RemoveLast();
            _byTopic.Remove(oldest.Value.Topic);
            alias = oldest.Value.Alias;
        }

        _byTopic[publish.Topic] = _recency.AddFirst(new Entry(publish.Topic, alias));
        return publish with { Properties = publish.Properties with { TopicAlias = alias } };
    }

    private readonly record struct Entry(string Topic, ushort Alias);
}
