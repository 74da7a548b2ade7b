namespace Broker.Host.Bench;

/// <summary>
/// The packet identifiers a QoS 1 or 2 publisher has out: at most <see cref="Capacity"/>, each in use from PUBLISH
/// until PUBACK (QoS 1) or PUBCOMP (QoS 2), and never reused while in use [MQTT-2.2.1-3]. Identifiers are handed out
/// in rising order (1..65535, then again), so the next free one is almost always the next one. Not thread-safe:
/// the publisher guards it with its lock.
/// </summary>
public sealed class InflightWindow
{
    private readonly bool[] _used = new bool[65536];
    private int _next = 1;

    public InflightWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 65535);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    public int Free => Capacity - Count;

    public ushort Acquire()
    {
        if (Count >= Capacity)
            throw new InvalidOperationException("The in-flight window is full.");
        while (_used[_next])
            Advance();
        var id = (ushort)_next;
        _used[id] = true;
        Count++;
        Advance();
        return id;
    }

    public bool InUse(ushort packetId) => _used[packetId];

    /// <returns>False when the identifier was not in flight (an acknowledgement the broker should not have sent).</returns>
    public bool Release(ushort packetId)
    {
        if (!_used[packetId])
            return false;
        _used[packetId] = false;
        Count--;
        return true;
    }

    private void Advance() => _next = _next == 65535 ? 1 : _next + 1;
}
