using Microsoft.AspNetCore.Http;

namespace Broker.Host.Management;

/// <summary>
/// EMQX's <c>GET /status</c>, open, for load balancers and scripts: plain text "Node {name} is started" and "broker is
/// running" (200) while the node serves (<see cref="BrokerRuntime.NotReadyReason"/>), "broker is not_running" (503) otherwise.
/// </summary>
internal static class StatusRoutes
{
    public const string Path = "/status";

    public static Task StatusAsync(HttpContext context, BrokerRuntime runtime)
    {
        var running = runtime.NotReadyReason is null;
        context.Response.StatusCode = running ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"Node {runtime.NodeName} is started\nbroker is {(running ? "running" : "not_running")}\n", context.RequestAborted);
    }
}
