using System.Text.Json.Nodes;
using Broker.Host.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// The node's configuration, in EMQX 5's API:
/// <code>
///   GET /api/v5/configs          every root (mqtt, listeners, log, ...) with the values in force, secrets as "******"
///   GET /api/v5/configs/{root}   one root; 404 when there is no such root
///   PUT /api/v5/configs/{root}   the root's new values: 200 with the root as it now is; 400 naming a bad value or a
///                                key that only a restart can change (RuntimeConfiguration.LiveKeys can change now)
/// </code>
/// A change holds on the node asked, until it stops (not persisted).
/// </summary>
internal sealed class ConfigRoutes(RuntimeConfiguration configuration)
{
    public const string Path = "/api/v5/configs";

    public static void Map(IEndpointRouteBuilder app, RuntimeConfiguration configuration)
    {
        var routes = new ConfigRoutes(configuration);
        app.MapGet(Path, routes.ListAsync).WithTags("Configs").WithSummary("The node's configuration in force, secrets masked");
        app.MapGet(Path + "/{root}", routes.GetAsync).WithTags("Configs").WithSummary("One root of the configuration");
        app.MapPut(Path + "/{root}", routes.PutAsync).WithTags("Configs").WithSummary("Changes the keys of a root that can change without a restart");
    }

    public Task ListAsync(HttpContext context) =>
        ManagementResponses.Json(context, StatusCodes.Status200OK, configuration.Show()!, OperationsApiJson.Written.JsonObject);

    public async Task GetAsync(HttpContext context)
    {
        if (configuration.Show(Root(context)) is { } root)
            await ManagementResponses.Json(context, StatusCodes.Status200OK, root, OperationsApiJson.Written.JsonObject);
        else
            await NoSuchRoot(context);
    }

    public async Task PutAsync(HttpContext context)
    {
        var root = Root(context);
        if (configuration.Show(root) is null)
        {
            await NoSuchRoot(context);
            return;
        }

        if (await ApiRequests.ReadBodyAsync(context, OperationsApiJson.Written.JsonObject) is not { } values)
            return;
        var problems = configuration.Change(root, values);
        if (problems.Count > 0)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", string.Join("; ", problems));
            return;
        }

        await ManagementResponses.Json(context, StatusCodes.Status200OK, configuration.Show(root)!, OperationsApiJson.Written.JsonObject);
    }

    private static string Root(HttpContext context) => (string)context.Request.RouteValues["root"]!;

    private static Task NoSuchRoot(HttpContext context) =>
        ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND",
            $"no configuration root {Root(context)} (roots: {string.Join(", ", RuntimeConfiguration.Roots)})");
}
