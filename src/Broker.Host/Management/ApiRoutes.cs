using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// EMQX 5's HTTP API under <c>/api/v5</c>: every route of it, in one place, so that each HTTP endpoint that serves
/// the API maps the same set. A route group is a class of its own with a static <c>Map</c>. Every route is behind
/// <see cref="ApiAccessMiddleware"/>, which each endpoint installs before mapping these.
/// </summary>
internal static class ApiRoutes
{
    public static void Map(IEndpointRouteBuilder app, BrokerRuntime runtime)
    {
        UserRoutes.Map(app, runtime.SecurityStore);
        BannedRoutes.Map(app, runtime.SecurityStore, runtime.Context.Time);
        AclRoutes.Map(app, runtime.SecurityStore);
        PrometheusRoutes.Map(app, runtime.Prometheus);
        ClientRoutes.Map(app, runtime);
        SubscriptionRoutes.Map(app, runtime);
        NodeRoutes.Map(app, runtime);
        LoginRoutes.Map(app, runtime.Access);
        DashboardUserRoutes.Map(app, runtime.Access);
        ApiKeyRoutes.Map(app, runtime.Access);
        TopicRoutes.Map(app, runtime.Routes);
        RetainerRoutes.Map(app, runtime.Retainer, runtime.Context.Time);
        TraceRoutes.Map(app, runtime);
        ConfigRoutes.Map(app, runtime);
        ApiDocsRoutes.Map(app);
        PublishRoutes.Map(app, runtime.Context.Router, () => runtime.Context.Settings, runtime.Context.Time);
        AlarmRoutes.Map(app, runtime);
    }
}
