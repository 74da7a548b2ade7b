using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Core.Retained;
using Broker.Mqtt.Packets;

namespace Broker.Core.Routing;

/// <summary>
/// The sessions' entry to routing, as <c>emqx_broker</c> is EMQX's: subscriptions go to the <see cref="RouteTable"/>,
/// a publish is checked for expiry, retained by the <see cref="Retainer"/> when RETAIN is set, then handed to the
/// <see cref="Dispatcher"/>; new subscriptions find their retained messages in the retainer.
/// </summary>
public sealed class Router : IRouter
{
    private readonly RouteTable _routes;
    private readonly Dispatcher _dispatcher;
    private readonly Retainer _retainer;
    private readonly TimeProvider _time;
    private readonly BrokerMetrics _metrics;

    public Router(RouteTable routes, Dispatcher dispatcher, Retainer retainer, TimeProvider time, BrokerMetrics metrics)
    {
        _routes = routes;
        _dispatcher = dispatcher;
        _retainer = retainer;
        _time = time;
        _metrics = metrics;
    }

    public bool Subscribe(string clientId, IActorRef session, string filter, SubscriptionOptions options, int subscriptionId, bool durable = false, ISubscriberRoom? room = null) =>
        _routes.Subscribe(clientId, session, filter, options, subscriptionId, durable, room);

    public bool Unsubscribe(string clientId, string filter) => _routes.Unsubscribe(clientId, filter);

    public int Publish(ApplicationMessage message, IInboundCredit? credit = null, PublishCommit? commit = null)
    {
        if (IsExpired(message))
        {
            return 0; // [MQTT-3.3.2-5]: neither stored nor delivered
        }

        if (message.Retain)
        {
            _retainer.Retain(message, commit);
        }

        return _dispatcher.Dispatch(message, credit, commit);
    }

    public bool RedispatchShared(string shareGroup, string filter, ApplicationMessage message, string excludeClientId) =>
        !IsExpired(message) && _dispatcher.Redispatch(shareGroup, filter, message, excludeClientId);

    public IReadOnlyList<ApplicationMessage> GetRetained(string filter) => _retainer.Match(filter);

    /// <summary>Counts an expired message, which goes nowhere.</summary>
    private bool IsExpired(ApplicationMessage message)
    {
        if (!message.IsExpired(_time.GetUtcNow().ToUnixTimeMilliseconds()))
        {
            return false;
        }

        _metrics.MessageExpired();
        return true;
    }
}
