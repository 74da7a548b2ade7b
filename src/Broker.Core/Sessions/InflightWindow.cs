namespace Broker.Core.Sessions;

/// <summary>
/// The outgoing QoS 1/2 messages not yet acknowledged, by packet id, in the order they were first sent:
/// on reconnection they are resent in that order [MQTT-4.4.0-1], [MQTT-4.6.0-1]. The capacity is
/// min(broker's max inflight, client's Receive Maximum): the broker never has more unacknowledged
/// PUBLISH packets towards a client than it allowed [MQTT-3.3.4-9]. Shrinking the capacity below the
/// count (a client that reconnects with a smaller Receive Maximum) keeps what is in flight and only
/// stops new sends until acknowledgements make room.
/// <para>
/// The list and the index are made with the first message in flight: a session that only ever gets
/// QoS 0, and an idle one, holds neither (memory per idle connection).
/// </para>
/// </summary>
public sealed class InflightWindow
{
    private LinkedList<InflightMessage>? _order;
    private Dictionary<ushort, LinkedListNode<InflightMessage>>? _byId;
    private int _capacity;

    public InflightWindow(int capacity)
    {
        Capacity = capacity;
    }

    public int Capacity
    {
        get => _capacity;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, ushort.MaxValue);
            _capacity = value;
        }
    }

    public int Count => _byId?.Count ?? 0;

    public bool HasRoom => Count < _capacity;

    public bool Contains(ushort packetId) => _byId?.ContainsKey(packetId) == true;

    public bool TryGet(ushort packetId, out InflightMessage message)
    {
        if (_byId is not null && _byId.TryGetValue(packetId, out var node))
        {
            message = node.Value;
            return true;
        }

        message = null!;
        return false;
    }

    /// <summary>Adds at the end; the id must be free. Room is the caller's check: resends may exceed it.</summary>
    public void Add(InflightMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _byId ??= [];
        _order ??= new LinkedList<InflightMessage>();
        if (_byId.ContainsKey(message.PacketId))
        {
            throw new InvalidOperationException($"Packet id {message.PacketId} is already in flight.");
        }

        _byId[message.PacketId] = _order.AddLast(message);
    }

    /// <summary>Replaces the message with the same id where it stands, so that the resend order is kept.</summary>
    public void Update(InflightMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_byId is null || !_byId.TryGetValue(message.PacketId, out var node))
        {
            throw new InvalidOperationException($"Packet id {message.PacketId} is not in flight.");
        }

        node.Value = message;
    }

    public bool Remove(ushort packetId)
    {
        if (_byId is null || !_byId.Remove(packetId, out var node))
        {
            return false;
        }

        _order!.Remove(node);
        return true;
    }

    /// <summary>A copy in first-sent order, so that the caller may update entries while going through it.</summary>
    /// <summary>When the message sent (or resent) longest ago was; without copying the window.</summary>
    public long OldestSentAtMs()
    {
        var oldest = long.MaxValue;
        for (var node = _order?.First; node is not null; node = node.Next)
        {
            oldest = Math.Min(oldest, node.Value.SentAtMs);
        }

        return oldest;
    }

    public IReadOnlyList<InflightMessage> InOrder() => _order is null ? [] : [.. _order];

    /// <summary>Takes out the messages that match, keeping the others' order.</summary>
    public IReadOnlyList<InflightMessage> RemoveWhere(Func<InflightMessage, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        List<InflightMessage>? removed = null;
        for (var node = _order?.First; node is not null;)
        {
            var next = node.Next;
            if (predicate(node.Value))
            {
                (removed ??= []).Add(node.Value);
                _byId!.Remove(node.Value.PacketId);
                _order!.Remove(node);
            }

            node = next;
        }

        return removed ?? (IReadOnlyList<InflightMessage>)[];
    }
}
