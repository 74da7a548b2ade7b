using Broker.Transport.Mqtt;
using Broker.Transport.Routing;

namespace Broker.Transport.Sessions;

/// <summary>A delivery waiting in a session's queue, with the QoS it will be sent at (already downgraded).</summary>
public sealed record QueuedDelivery(Deliver Deliver, QualityOfService QoS);
