using Broker.Mqtt.Packets;

namespace Broker.Transport.Connections;

/// <summary>
/// What a connection reports of its client's life, for whoever publishes it (the <c>$SYS</c> client events). Null in
/// <see cref="BrokerContext.Events"/> when nothing is reported: a connection then pays one null check per event. Called on
/// the connection's own threads: an implementation must not block.
/// </summary>
public interface IClientEvents
{
    /// <summary>False: SUBSCRIBE and UNSUBSCRIBE are not reported, and their filters not walked for it.</summary>
    bool ReportsSubscriptions { get; }

    /// <summary>The session serves the client now (after its CONNACK was queued).</summary>
    void Connected(ConnectedClient client);

    /// <param name="reason">EMQX's reason: normal, keepalive_timeout, takenover, kicked, tcp_closed...</param>
    void Disconnected(ConnectedClient client, string reason, long disconnectedAtMs);

    /// <summary>A filter authorization let through to the session (which grants it, as the broker's limits allow).</summary>
    void Subscribed(ConnectedClient client, TopicSubscription subscription);

    void Unsubscribed(ConnectedClient client, string filter);
}
