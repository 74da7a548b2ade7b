using Broker.Transport.Channels;

namespace Broker.Transport.Connections;

/// <summary>
/// What connections counted: the bytes they read and wrote (EMQX's <c>bytes.received</c>, <c>bytes.sent</c>), and what
/// authentication and authorization decided for them (<c>authentication.*</c>, <c>authorization.*</c>). Each connection
/// counts its own, in fields that only its loops write, so that the hot path shares no counter between cores;
/// <see cref="ConnectionTracker.Totals"/> adds them up when asked.
/// </summary>
/// <param name="AuthenticationSucceeded">CONNECTs let in, the anonymous ones among them (as EMQX counts <c>authentication.success</c>).</param>
/// <param name="AuthenticatedAnonymously">CONNECTs let in with no authenticator configured.</param>
public readonly record struct ConnectionTotals(
    long BytesReceived,
    long BytesSent,
    long AuthenticationSucceeded,
    long AuthenticatedAnonymously,
    long AuthenticationFailed,
    long AuthorizationsAllowed,
    long AuthorizationsDenied)
{
    public static ConnectionTotals operator +(ConnectionTotals left, ConnectionTotals right) => new(
        left.BytesReceived + right.BytesReceived,
        left.BytesSent + right.BytesSent,
        left.AuthenticationSucceeded + right.AuthenticationSucceeded,
        left.AuthenticatedAnonymously + right.AuthenticatedAnonymously,
        left.AuthenticationFailed + right.AuthenticationFailed,
        left.AuthorizationsAllowed + right.AuthorizationsAllowed,
        left.AuthorizationsDenied + right.AuthorizationsDenied);

    /// <summary>One connection's counts.</summary>
    internal static ConnectionTotals Of(long bytesReceived, long bytesSent, MqttChannel channel)
    {
        var authentication = channel.Authentication;
        return new(
            bytesReceived,
            bytesSent,
            authentication is ConnectAuthentication.Succeeded or ConnectAuthentication.Anonymous ? 1 : 0,
            authentication == ConnectAuthentication.Anonymous ? 1 : 0,
            authentication == ConnectAuthentication.Failed ? 1 : 0,
            channel.AuthorizationsAllowed,
            channel.AuthorizationsDenied);
    }
}
