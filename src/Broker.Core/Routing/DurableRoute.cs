namespace Broker.Core.Routing;

/// <summary>
/// The route that says a node's plain subscribers of a filter include a durable session (one that outlives its
/// connection, kept in storage): "\0filter", beside the node's route "filter". A QoS 1/2 publish under sync durability
/// that is forwarded to such a node holds its acknowledgement until the node answers, however long it takes; if the node
/// is removed instead, until its sessions are adopted elsewhere, and then fails it (<see cref="INodeForwarder.Forward"/>):
/// a durable session there may not have stored the message, and the publisher must send it again. A topic filter never
/// holds U+0000 [MQTT-4.7.3-2], so the two never meet.
/// </summary>
public static class DurableRoute
{
    private const char Marker = '\0';

    public static string Format(string topicFilter) => string.Concat(Marker.ToString(), topicFilter);

    /// <summary>False for any other route (plain or shared; <paramref name="topicFilter"/> is then the input).</summary>
    public static bool TryParse(string route, out string topicFilter)
    {
        if (route.Length > 0 && route[0] == Marker)
        {
            topicFilter = route[1..];
            return true;
        }

        topicFilter = route;
        return false;
    }
}
