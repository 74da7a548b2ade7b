using Broker.Core.Routing;
using Broker.Mqtt;

namespace Broker.Core.Sessions;

/// <summary>A delivery waiting in a session's queue, with the QoS it will be sent at (already downgraded).</summary>
/// <param name="Id">Names a QoS 1/2 message of a durable session in its journal; 0 otherwise.</param>
public sealed record QueuedDelivery(Deliver Deliver, QualityOfService QoS, long Id = 0);
