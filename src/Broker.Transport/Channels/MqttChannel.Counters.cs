using Broker.Core.Security.Authorization;

namespace Broker.Transport.Channels;

/// <summary>
/// What the channel's security decided, for the node's metrics (EMQX's <c>authentication.*</c> and
/// <c>authorization.*</c>). Counted here, in fields of this channel alone, rather than in counters every connection
/// shares: a PUBLISH's check then costs an increment of a field already in the cache, with no contention between
/// cores. The connection tracker adds every connection's up when the metrics are read.
/// </summary>
public sealed partial class MqttChannel
{
    private ConnectAuthentication _authentication;
    private long _authorizationsAllowed;
    private long _authorizationsDenied;

    /// <summary>How the CONNECT's authentication ended; set once.</summary>
    public ConnectAuthentication Authentication => _authentication;

    /// <summary>Checks that allowed (every PUBLISH, SUBSCRIBE and will checked, none skipped, as EMQX counts <c>authorization.allow</c>).</summary>
    /// <remarks>Read from other threads (the metrics): a whole 64-bit value, maybe one check old.</remarks>
    public long AuthorizationsAllowed => Volatile.Read(ref _authorizationsAllowed);

    public long AuthorizationsDenied => Volatile.Read(ref _authorizationsDenied);

    /// <summary>Counts the decision and returns it.</summary>
    private AclDecision Counted(AclDecision decision)
    {
        if (decision == AclDecision.Allow)
        {
            _authorizationsAllowed++;
        }
        else
        {
            _authorizationsDenied++;
        }

        return decision;
    }
}
