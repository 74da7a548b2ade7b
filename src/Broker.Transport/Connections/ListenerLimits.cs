using Broker.Core.Security.Protection;

namespace Broker.Transport.Connections;

/// <summary>
/// A listener's rate limits: how fast it starts serving new connections (one bucket, shared by them) and how fast
/// each client may send (a bucket of its own per connection, made from these rates). A rate of 0 is no limit.
/// </summary>
public sealed record ListenerLimits(TokenBucket? Connections, double MessagesRate, double MessagesBurst, double BytesRate, double BytesBurst)
{
    public static readonly ListenerLimits None = new(null, 0, 0, 0, 0);
}
