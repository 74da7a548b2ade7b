using Microsoft.AspNetCore.Http;

namespace Broker.Host.Management;

/// <summary>
/// Kubernetes' probes, as Akka Management names them: <c>GET /alive</c> answers 200 while the process serves (a
/// liveness probe that fails gets the container restarted, so nothing else is asked); <c>GET /ready</c> answers 200
/// only while the node should get traffic (<see cref="BrokerRuntime.NotReadyReason"/>), 503 with the reason otherwise.
/// </summary>
internal static class HealthRoutes
{
    public static Task AliveAsync(HttpContext context) => ManagementResponses.Message(context, StatusCodes.Status200OK, "alive");

    public static Task ReadyAsync(HttpContext context, BrokerRuntime runtime) =>
        runtime.NotReadyReason is { } reason
            ? ManagementResponses.Message(context, StatusCodes.Status503ServiceUnavailable, $"not ready: {reason}")
            : ManagementResponses.Message(context, StatusCodes.Status200OK, "ready");
}
