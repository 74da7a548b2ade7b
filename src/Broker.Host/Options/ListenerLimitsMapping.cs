using Broker.Core.Security.Protection;
using Broker.Transport.Connections;

namespace Broker.Host.Options;

/// <summary>The listeners' rate settings as the connections take them.</summary>
public static class ListenerLimitsMapping
{
    public static IReadOnlyDictionary<string, ListenerLimits> ToLimits(this ListenersOptions listeners, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow().UtcTicks;
        return listeners.All().ToDictionary(
            l => l.Name,
            l => new ListenerLimits(
                l.Listener.MaxConnRate > 0 ? new TokenBucket(l.Listener.MaxConnRate, 0, now) : null,
                l.Listener.MessagesRate, l.Listener.MessagesBurst, l.Listener.BytesRate.Bytes, l.Listener.BytesBurst.Bytes),
            StringComparer.Ordinal);
    }
}
