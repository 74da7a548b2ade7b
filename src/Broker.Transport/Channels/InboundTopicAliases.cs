namespace Broker.Transport.Channels;

/// <summary>
/// The topic aliases a 5.0 client has set on this connection (3.3.2.3.4), numbered 1 to the Topic
/// Alias Maximum the broker granted. Dies with the connection [MQTT-3.3.2-7]. Storage grows with
/// the highest alias used, not with the maximum granted, since most clients use a handful.
/// </summary>
public sealed class InboundTopicAliases(ushort maximum)
{
    private string?[] _topics = new string?[Math.Min((int)maximum, 16) + 1];

    public ushort Maximum { get; } = maximum;

    /// <summary>An alias from 1 to <see cref="Maximum"/> must be accepted [MQTT-3.3.2-12]; 0 never is [MQTT-3.3.2-8].</summary>
    public bool IsValid(ushort alias) => alias != 0 && alias <= Maximum;

    /// <summary>Sets or replaces the mapping: a PUBLISH with both a topic and an alias.</summary>
    public void Set(ushort alias, string topic)
    {
        if (alias >= _topics.Length)
        {
            Array.Resize(ref _topics, Math.Min(Math.Max(alias + 1, _topics.Length * 2), Maximum + 1));
        }

        _topics[alias] = topic;
    }

    /// <summary>The topic of a PUBLISH with an empty topic name and an alias; false when the alias was never set.</summary>
    public bool TryResolve(ushort alias, out string topic)
    {
        topic = alias < _topics.Length ? _topics[alias] ?? "" : "";
        return topic.Length != 0;
    }
}
