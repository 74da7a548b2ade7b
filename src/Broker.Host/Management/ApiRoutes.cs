using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// EMQX 5's HTTP API under <c>/api/v5</c>: every route of it, in one place, so that each HTTP endpoint that serves
/// the API maps the same set. A route group is a class of its own with a static <c>Map</c>.
/// </summary>
internal static class ApiRoutes
{
    public static void Map(IEndpointRouteBuilder app, BrokerRuntime runtime)
    {
        UserRoutes.Map(app, runtime.SecurityStore);
        BannedRoutes.Map(app, runtime.SecurityStore, runtime.Context.Time);
        AclRoutes.Map(app, runtime.SecurityStore);
        PrometheusRoutes.Map(app, runtime.Prometheus);
        AlarmRoutes.Map(app, runtime.Alarms);
    }
}
