namespace Broker.Transport.Channels;

/// <summary>
/// The table of topic aliases the broker assigns on PUBLISH packets to a 5.0 client that granted a Topic Alias
/// Maximum (3.3.2.3.4): topic to alias, 1 to the client's maximum. When every alias is in use, the least recently
/// used topic gives its alias to the new one (the PUBLISH then carries the topic again, which remaps it). Never an
/// alias above the client's maximum [MQTT-3.1.2-29, MQTT-3.3.2-11]; no table at all when it granted 0
/// [MQTT-3.1.2-30]. The channel's outbound part decides what goes on the wire (<c>MqttChannel.Outgoing.cs</c>);
/// used by the connection's single writer only, so it takes no lock.
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

    /// <summary>The alias <see cref="Assign"/> gives next: a free one, else the least recently used topic's.</summary>
    public ushort Next => _byTopic.Count < Maximum ? (ushort)(_byTopic.Count + 1) : _recency.Last!.Value.Alias;

    /// <summary>The alias the client knows for <paramref name="topic"/>, which becomes the most recently used; 0 when none.</summary>
    public ushort Find(string topic)
    {
        if (!_byTopic.TryGetValue(topic, out var node))
        {
            return 0;
        }

        _recency.Remove(node);
        _recency.AddFirst(node);
        return node.Value.Alias;
    }

    /// <summary>
    /// Gives <paramref name="topic"/>, which has none, the alias <see cref="Next"/>, taking it from the least recently
    /// used topic when all are in use. Only once the PUBLISH that carries both is sure to be written.
    /// </summary>
    public ushort Assign(string topic)
    {
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

        _byTopic.Add(topic, _recency.AddFirst(new Entry(topic, alias)));
        return alias;
    }

    private readonly record struct Entry(string Topic, ushort Alias);
}
