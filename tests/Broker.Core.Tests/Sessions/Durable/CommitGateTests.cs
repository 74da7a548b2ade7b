using Broker.Core.Sessions;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Sessions.Durable;

public class CommitGateTests
{
    private readonly RecordingConnection _connection = new(1);

    private static PubAckPacket Ack(ushort id) => new() { PacketId = id };

    private IReadOnlyList<ushort> SentIds() => [.. _connection.TakeSent().Select(p => ((PubAckPacket)p).PacketId)];

    [Fact]
    public void With_nothing_written_or_outstanding_a_packet_goes_at_once()
    {
        var gate = new CommitGate(_connection, issued: 3, committed: 3);

        gate.Send(Ack(1));

        Assert.Equal([1], SentIds());
    }

    [Fact]
    public void A_packet_of_a_turn_that_recorded_waits_for_that_turns_write_and_later_ones_keep_their_order()
    {
        var gate = new CommitGate(_connection, issued: 0, committed: 0);
        gate.TurnRecorded();
        gate.Send(Ack(1));
        gate.EndTurn(1);
        gate.Send(Ack(2)); // a turn without a write, behind a held packet
        gate.EndTurn(1);
        gate.TurnRecorded();
        gate.Send(Ack(3));
        gate.EndTurn(2);
        Assert.Empty(SentIds());

        gate.Committed(1);
        Assert.Equal([1, 2], SentIds());

        gate.Committed(2);
        Assert.Equal([3], SentIds());
        Assert.Equal(0, gate.HeldCount);
    }

    [Fact]
    public void A_turn_without_writes_still_waits_for_the_outstanding_write_before_it()
    {
        var gate = new CommitGate(_connection, issued: 5, committed: 4);

        gate.Send(Ack(9));
        gate.EndTurn(5);
        Assert.Empty(SentIds());

        gate.Committed(5);
        Assert.Equal([9], SentIds());
    }

    [Fact]
    public void Closing_drops_what_is_held_and_closes_the_connection()
    {
        var gate = new CommitGate(_connection, issued: 0, committed: 0);
        gate.TurnRecorded();
        gate.Send(Ack(1));
        gate.EndTurn(1);

        gate.Close(ReasonCode.SessionTakenOver);
        gate.Committed(1);

        Assert.Empty(SentIds());
        Assert.Equal(ReasonCode.SessionTakenOver, _connection.CloseReason);
    }
}
