using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>One subscription of a session, as granted (the QoS in <paramref name="Options"/> is the granted one).</summary>
public sealed record SessionSubscription(SubscriptionOptions Options, int SubscriptionId);
