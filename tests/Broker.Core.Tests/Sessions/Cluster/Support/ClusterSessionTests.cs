using System.Text;
using Broker.Actors;
using Broker.Actors.TestKit;
using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Cluster;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Xunit.Sdk;

namespace Broker.Core.Tests.Sessions.Cluster.Support;

/// <summary>
/// A base for tests of the session move protocol: nodes made on one <see cref="PeerNetwork"/> and one manual clock,
/// stopped at the end, and the steps the tests share.
/// </summary>
public abstract class ClusterSessionTests : IAsyncLifetime
{
    private readonly List<ClusterNode> _nodes = [];

    private protected ManualTimeProvider Time { get; } = new();

    private protected PeerNetwork Network { get; } = new();

    private protected ClusterNode Node(string name, bool attach = true)
    {
        var node = new ClusterNode(name, Time, Network, attach);
        _nodes.Add(node);
        return node;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>Subscribes and waits for the SUBACK; packets before it (CONNACK, retained) are skipped.</summary>
    private protected static void Subscribe(IActorRef session, RecordingConnection connection, string filter, QualityOfService qos = QualityOfService.ExactlyOnce)
    {
        var packet = new SubscribePacket { PacketId = 50, Subscriptions = [new(filter, new SubscriptionOptions(qos))] };
        session.Tell(new ClientSubscribe(connection, packet, []));
        while (connection.Next<MqttPacket>() is not SubAckPacket)
        {
        }
    }

    private protected static ApplicationMessage Message(string topic, QualityOfService qos = QualityOfService.ExactlyOnce, long? id = null) => new()
    {
        Id = id ?? MessageIds.Next(),
        Topic = topic,
        QoS = qos,
        Payload = Encoding.UTF8.GetBytes(topic),
        PublisherId = "publisher",
    };

    /// <summary>
    /// Ends the old side of a move: once the new session said it serves (<see cref="TransferResumed"/>) and the old one
    /// has it, the grace runs out; returns when the old session has stopped.
    /// </summary>
    private protected void FinishMove(ClusterNode old, IActorRef oldSession, string to, string clientId = "c")
    {
        Network.WaitSent<TransferResumed>(old.Name, m => m.ClientId == clientId && m.From == to);
        old.Watch(oldSession);
        old.Holds(clientId); // the registry has handed it to the session
        old.Stats(oldSession); // and the session has started its grace timer
        Time.Advance(SessionActor.MoveGrace);
        old.ExpectTerminated(oldSession);
    }

    /// <summary>The topics of the PUBLISH packets sent on <paramref name="connection"/> until one on <paramref name="marker"/>, which is left out.</summary>
    private protected static List<string> TopicsUntil(RecordingConnection connection, string marker)
    {
        var topics = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var packet = connection.Next<MqttPacket>();
            if (packet is PublishPacket publish)
            {
                if (publish.Topic == marker)
                {
                    return topics;
                }

                topics.Add(publish.Topic);
            }
        }

        throw new XunitException($"No PUBLISH on {marker} among the first 100 packets.");
    }

    /// <summary>A client on <paramref name="node"/> subscribed to <paramref name="filter"/>, to see what is published there.</summary>
    private protected static RecordingConnection Watcher(ClusterNode node, string clientId, string filter)
    {
        var (connection, opened, _) = node.Open(clientId, expiry: 0);
        Subscribe(opened.Session, connection, filter, QualityOfService.AtLeastOnce);
        return connection;
    }
}
