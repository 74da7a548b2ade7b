using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Sessions;

public class InflightWindowTests
{
    [Fact]
    public void Keeps_first_sent_order_when_entries_are_updated_and_removed()
    {
        var window = new InflightWindow(10);
        window.Add(Entry(5));
        window.Add(Entry(1));
        window.Add(Entry(9));
        window.Update(Entry(5) with { Phase = InflightPhase.AwaitingComp });
        Assert.True(window.Remove(1));

        Assert.Equal(new ushort[] { 5, 9 }, window.InOrder().Select(m => m.PacketId));
        Assert.Equal(InflightPhase.AwaitingComp, window.InOrder()[0].Phase);
    }

    [Fact]
    public void Has_room_until_capacity()
    {
        var window = new InflightWindow(2);
        window.Add(Entry(1));
        Assert.True(window.HasRoom);
        window.Add(Entry(2));
        Assert.False(window.HasRoom);
        window.Remove(2);
        Assert.True(window.HasRoom);
    }

    [Fact]
    public void A_smaller_capacity_keeps_what_is_in_flight_but_stops_new_sends()
    {
        var window = new InflightWindow(3);
        window.Add(Entry(1));
        window.Add(Entry(2));
        window.Capacity = 1;
        Assert.Equal(2, window.Count);
        Assert.False(window.HasRoom);
    }

    [Fact]
    public void An_id_in_flight_cannot_be_added_again()
    {
        var window = new InflightWindow(3);
        window.Add(Entry(1));
        Assert.Throws<InvalidOperationException>(() => window.Add(Entry(1)));
        Assert.False(window.Remove(7));
    }

    [Fact]
    public void RemoveWhere_takes_matching_entries_in_order()
    {
        var window = new InflightWindow(10);
        foreach (var id in new ushort[] { 1, 2, 3, 4 })
        {
            window.Add(Entry(id));
        }

        var removed = window.RemoveWhere(m => m.PacketId % 2 == 0);
        Assert.Equal(new ushort[] { 2, 4 }, removed.Select(m => m.PacketId));
        Assert.Equal(new ushort[] { 1, 3 }, window.InOrder().Select(m => m.PacketId));
        Assert.False(window.Contains(2));
    }

    private static InflightMessage Entry(ushort id)
    {
        var message = new ApplicationMessage { Topic = "t", QoS = QualityOfService.AtLeastOnce };
        var deliver = new Deliver(message, "t", new SubscriptionOptions(QualityOfService.AtLeastOnce), 0, null);
        return new InflightMessage(new PublishPacket { Topic = "t", QoS = QualityOfService.AtLeastOnce, PacketId = id }, deliver, InflightPhase.AwaitingAck, 0);
    }
}
