using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>
/// What an operator asks of a session through the management API (reached by client id through the registry's
/// <see cref="ToSession"/>): what it holds, a kick, subscriptions made or removed on the client's behalf.
/// </summary>
public sealed partial class SessionActor
{
    /// <summary>When this session was made (EMQX's <c>created_at</c>), on the actor system's clock; restarted or moved sessions count from then.</summary>
    private long _createdAtMs;

    /// <summary>The CONNECT the session was last opened with, for the client's fields while it is away too.</summary>
    private ConnectRequest? _lastConnect;

    private long? _connectedAtMs;

    private bool ReceiveManagement(object message)
    {
        switch (message)
        {
            case GetSessionInfo get:
                Sender?.Tell(Info(get.WithSubscriptions), Self);
                return true;
            case KickSession:
                Kick();
                return true;
            case SubscribeOnBehalf subscribe:
                var codes = _state.SubscribeOnBehalf(subscribe.Subscriptions, Room);
                RunEffects();
                Sender?.Tell(new SubscribedOnBehalf(ClientId, codes), Self);
                return true;
            case UnsubscribeOnBehalf unsubscribe:
                var existed = _state.UnsubscribeOnBehalf(unsubscribe.Filters);
                RunEffects();
                Sender?.Tell(new UnsubscribedOnBehalf(ClientId, existed), Self);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// As EMQX's kick: DISCONNECT 0x98 Administrative action to a 5.0 client, then the session is discarded. The server
    /// closed the connection without the client's normal DISCONNECT, so its will goes out [MQTT-3.1.2-8].
    /// </summary>
    private void Kick()
    {
        if (_connection is { } connection)
        {
            connection.Close(ReasonCode.AdministrativeAction);
            if (_will is { } will)
            {
                PublishWill(will);
            }

            _will = null;
        }

        var replyTo = Sender;
        End();
        replyTo?.Tell(new SessionKicked(ClientId), Self);
    }

    private SessionInfo Info(bool withSubscriptions) => new(
        Stats(),
        _createdAtMs,
        _connectedAtMs,
        _detachedAtMs,
        _expirySeconds,
        _lastConnect,
        _connection,
        withSubscriptions ? [.. _state.Subscriptions.Select(s => new TopicSubscription(s.Key, s.Value.Options))] : [],
        _state.InflightMax,
        _state.QueueCapacity);
}
