using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Xunit.Abstractions;
using static Broker.Core.Tests.Sessions.Support.SessionHarness;

namespace Broker.Core.Tests.Sessions;

/// <summary>
/// The session's hot path returns its effects without allocating for them: what a turn allocates is the packets it
/// sends (and, for a QoS 1/2 PUBLISH out, its place in the window), never the effects.
/// </summary>
public sealed class SessionStateAllocationTests(ITestOutputHelper output)
{
    private const int Rounds = 1_000;
    private const long Now = 1_000_000;

    [Fact]
    public void A_client_QoS_1_PUBLISH_routed_and_acknowledged_allocates_only_its_PUBACK()
    {
        var state = Attached();
        var message = Message(qos: QualityOfService.AtLeastOnce);
        var commit = new PublishCommit(NoActor.Instance, waitsForStorage: false);
        void Turn(ushort id)
        {
            state.HandlePublish(message, id, Now);
            var publish = state.Effects[0];
            state.Routed(publish.Message, publish.Commit ?? commit.Begin(id), 1);
            state.Effects.Clear();
        }

        var perTurn = Measure(Turn);
        var ack = Measure(static id => GC.KeepAlive(new PubAckPacket { PacketId = id }));
        output.WriteLine($"publish and PUBACK: {perTurn} B a turn; a PubAckPacket: {ack} B");
        Assert.Equal(ack, perTurn);
    }

    [Fact]
    public void A_QoS_0_delivery_sent_at_once_allocates_only_its_PUBLISH()
    {
        var state = Attached();
        var deliver = new Deliver(Message(qos: QualityOfService.AtMostOnce), "t/#", new SubscriptionOptions(QualityOfService.AtMostOnce), 0, null);
        var perTurn = Measure(_ =>
        {
            state.Deliver(deliver, ConnectionRoom.Unlimited, Now);
            state.Effects.Clear();
        });
        var publish = Measure(static _ => GC.KeepAlive(new PublishPacket { Topic = "t/1" }));
        output.WriteLine($"QoS 0 delivery: {perTurn} B a turn; a PublishPacket: {publish} B");
        Assert.Equal(publish, perTurn);
    }

    private static SessionState Attached()
    {
        var state = new SessionState(ClientId, MqttSettings.Default, new BrokerMetrics());
        state.Attach(1, new ClientCapabilities(MqttProtocolVersion.V500), null, ConnectionRoom.Unlimited, Now);
        state.Subscribe(new SubscribePacket { PacketId = 1, Subscriptions = [new("t/#", new(QualityOfService.AtMostOnce))] }, [], ConnectionRoom.Unlimited);
        state.Effects.Clear();
        return state;
    }

    private static long Measure(Action<ushort> turn)
    {
        for (var i = 0; i < Rounds; i++)
        {
            turn((ushort)(i % 100 + 1));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++)
        {
            turn((ushort)(i % 100 + 1));
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;
    }
}
