namespace Broker.Core.Sessions;

/// <summary>
/// The broker's side of MQTT 5 flow control (4.9): the packet ids of the QoS 1 and QoS 2 PUBLISH packets a client
/// sent on its current connection that the broker has not yet answered with PUBACK, PUBCOMP, or a PUBREC of 0x80 or
/// above, bounded by the Receive Maximum the broker gave in CONNACK. A client may not send more [MQTT-3.3.4-7]; one
/// that does gets DISCONNECT 0x93 (3.3.4).
/// <para>
/// Ids rather than a count: a QoS 2 PUBLISH sent again before its PUBREC is one exchange, not two. One quota per
/// connection, made with its first QoS 1/2 PUBLISH: the client's quota starts afresh with each connection (4.9), so an
/// answer to an exchange begun on an earlier one gives nothing back here, and an idle session holds
/// none (memory per idle connection).
/// </para>
/// </summary>
public sealed class ReceiveQuota
{
    private readonly HashSet<ushort> _unanswered = [];

    public ReceiveQuota(int maximum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maximum, ushort.MaxValue);
        Maximum = maximum;
    }

    public int Maximum { get; }

    public int Count => _unanswered.Count;

    /// <summary>Counts a PUBLISH; false when it is one more than the Receive Maximum. An id already counted counts once.</summary>
    public bool TryTake(ushort packetId) =>
        _unanswered.Contains(packetId) || (_unanswered.Count < Maximum && _unanswered.Add(packetId));

    /// <summary>The PUBLISH with this id has been answered; an id not counted is ignored.</summary>
    public void GiveBack(ushort packetId) => _unanswered.Remove(packetId);
}
