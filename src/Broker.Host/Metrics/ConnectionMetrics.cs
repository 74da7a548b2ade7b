using Prometheus;

namespace Broker.Host.Metrics;

/// <summary>
/// What the connections count (<see cref="Transport.Connections.ConnectionTotals"/>), under EMQX's names: open
/// connections, bytes both ways, authentication and authorization results.
/// </summary>
internal sealed class ConnectionMetrics(IMetricFactory factory)
{
    private readonly Gauge _connections = factory.CreateGauge("emqx_connections_count", "MQTT connections open on this node.");
    private readonly Counter _bytesReceived = factory.CreateCounter("emqx_bytes_received", "Bytes of the MQTT packets received from clients.");
    private readonly Counter _bytesSent = factory.CreateCounter("emqx_bytes_sent", "Bytes of the MQTT packets sent to clients.");
    private readonly Counter _authenticationSuccess = factory.CreateCounter(
        "emqx_authentication_success", "CONNECTs authentication let in, the anonymous ones included.");
    private readonly Counter _authenticationAnonymous = factory.CreateCounter(
        "emqx_authentication_success_anonymous", "CONNECTs let in with no authenticator configured.");
    private readonly Counter _authenticationFailure = factory.CreateCounter(
        "emqx_authentication_failure", "CONNECTs authentication refused: denied, or allowed by no authenticator.");
    private readonly Counter _authorizationAllow = factory.CreateCounter(
        "emqx_authorization_allow", "Authorization checks (PUBLISH, SUBSCRIBE, will) that allowed.");
    private readonly Counter _authorizationDeny = factory.CreateCounter(
        "emqx_authorization_deny", "Authorization checks (PUBLISH, SUBSCRIBE, will) that denied.");

    public void Collect(NodeSnapshot snapshot)
    {
        var totals = snapshot.Connections;
        _connections.Set(snapshot.Stats.Connections);
        _bytesReceived.IncTo(totals.BytesReceived);
        _bytesSent.IncTo(totals.BytesSent);
        _authenticationSuccess.IncTo(totals.AuthenticationSucceeded);
        _authenticationAnonymous.IncTo(totals.AuthenticatedAnonymously);
        _authenticationFailure.IncTo(totals.AuthenticationFailed);
        _authorizationAllow.IncTo(totals.AuthorizationsAllowed);
        _authorizationDeny.IncTo(totals.AuthorizationsDenied);
    }
}
