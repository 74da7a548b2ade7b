using System.Net;
using Broker.Core.Messaging;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>
/// The connection of a durable session under <c>sync</c> durability, as its <see cref="SessionActor"/> sends the
/// state's <see cref="SessionEffectKind.Send"/> effects to it (a <see cref="SessionEffectKind.Record"/> effect before
/// them in the turn marks the turn as writing): a packet whose cause is not committed yet (a PUBLISH of a message just stored, the PUBREC of a QoS 2 id just
/// recorded, a SUBACK) is held until its write is, then sent in order. A client is thus never told something a
/// crash could take back: after a restart it is not sent a message twice under two packet ids, nor told of a
/// subscription that is gone. Writes are numbered by the session actor in the order it makes them; a packet
/// waits for the last write made up to the end of the turn that sent it.
/// </summary>
/// <param name="issued">The number of the session's last write so far.</param>
/// <param name="committed">The number of its last committed write.</param>
internal sealed class CommitGate(IClientConnection inner, long issued, long committed) : IClientConnection
{
    private readonly Queue<(MqttPacket Packet, long Write)> _held = new();
    private readonly List<MqttPacket> _turn = [];
    private long _issued = issued;
    private long _committed = committed;
    private bool _turnWrites;

    public IClientConnection Inner => inner;

    public long Id => inner.Id;

    public EndPoint? RemoteEndPoint => inner.RemoteEndPoint;

    public MqttProtocolVersion ProtocolVersion => inner.ProtocolVersion;

    public bool IsWritable => inner.IsWritable;

    public ConnectionRoom Room => inner.Room;

    public IInboundCredit? InboundCredit => inner.InboundCredit;

    public bool IsClosed => inner.IsClosed;

    public int HeldCount => _held.Count + _turn.Count;

    /// <summary>The current turn has recorded a change: what it sends waits for the turn's write.</summary>
    public void TurnRecorded() => _turnWrites = true;

    public void Send(MqttPacket packet)
    {
        if (_held.Count == 0 && _turn.Count == 0 && !_turnWrites && _committed == _issued)
        {
            inner.Send(packet);
            return;
        }

        _turn.Add(packet);
    }

    /// <summary>
    /// The turn is over: its packets wait for <paramref name="write"/> (the number of the write it made, or of the
    /// last one still outstanding), and go at once when that is already committed.
    /// </summary>
    public void EndTurn(long write)
    {
        _turnWrites = false;
        _issued = Math.Max(_issued, write);
        foreach (var packet in _turn)
        {
            _held.Enqueue((packet, write));
        }

        _turn.Clear();
        Release();
    }

    /// <summary>The write numbered <paramref name="write"/> (and every earlier one) is committed.</summary>
    public void Committed(long write)
    {
        _committed = Math.Max(_committed, write);
        Release();
    }

    /// <summary>Packets held are dropped: they answered this connection, and a new one gets what is still due by resending.</summary>
    public void Close(ReasonCode? reason = null, string? reasonString = null)
    {
        _held.Clear();
        _turn.Clear();
        inner.Close(reason, reasonString);
    }

    private void Release()
    {
        while (_held.TryPeek(out var head) && head.Write <= _committed)
        {
            inner.Send(_held.Dequeue().Packet);
        }
    }
}
