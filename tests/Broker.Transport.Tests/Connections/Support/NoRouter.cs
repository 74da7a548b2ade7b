using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Mqtt.Packets;

namespace Broker.Transport.Tests.Connections.Support;

/// <summary>The connection never routes: sessions do. Any call is a test failure.</summary>
internal sealed class NoRouter : IRouter
{
    public bool Subscribe(string clientId, IActorRef session, string filter, SubscriptionOptions options, int subscriptionId, bool durable = false, ISubscriberRoom? room = null) => throw Unexpected();

    public bool Unsubscribe(string clientId, string filter) => throw Unexpected();

    public int Publish(ApplicationMessage message, IInboundCredit? credit = null, PublishCommit? commit = null) => throw Unexpected();

    public bool RedispatchShared(string shareGroup, string filter, ApplicationMessage message, string excludeClientId) => throw Unexpected();

    public IReadOnlyList<ApplicationMessage> GetRetained(string filter) => throw Unexpected();

    private static InvalidOperationException Unexpected() => new("The connection called the router.");
}
