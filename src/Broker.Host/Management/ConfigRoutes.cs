using System.Text.Json;
using System.Text.Json.Nodes;
using Broker.Host.Configuration;
using Broker.Host.Management.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// The node's configuration, in EMQX 5's API:
/// <code>
///   GET /api/v5/configs          every root (mqtt, listeners, log, ...) with the values in force, secrets as "******"
///   GET /api/v5/configs/{root}   one root; 404 when there is no such root
///   PUT /api/v5/configs/{root}   the root's new values: 200 with the root as it now is, and the nodes that applied it
///                                in the header broker-applied-nodes; 400 naming a bad value or a key that only a
///                                restart can change (RuntimeConfiguration.LiveKeys can change now); 500 NODE_DOWN or
///                                UPDATE_FAILED naming the nodes that did and did not apply it
/// </code>
/// A change is checked and made on the node asked first (nothing changes anywhere when it is refused), then on every
/// other Up node (<see cref="NodeAnswers.ConfigChange"/>), as EMQX applies a change to the whole cluster. Each node keeps
/// it in its <c>{node.data_dir}/cluster.conf</c> (<see cref="ClusterConfigFile"/>) before it takes effect; at the next
/// start that file layers over hocon/broker.conf, under BROKER_* variables and --key=value arguments (EMQX 5:
/// base.hocon &lt; cluster.hocon &lt; emqx.conf &lt; environment). A node that did not answer or refused keeps what it
/// had: the answer names it, and the same PUT again brings it in line. A node that joins later does not get the change
/// (EMQX copies cluster.hocon to it): its own file and configuration decide.
/// </summary>
internal sealed class ConfigRoutes(RuntimeConfiguration configuration, ClusterView view, string nodeName)
{
    public const string Path = "/api/v5/configs";

    /// <summary>The answer's header naming the nodes that applied a change, comma-separated.</summary>
    public const string AppliedNodesHeader = "broker-applied-nodes";

    public static void Map(IEndpointRouteBuilder app, BrokerRuntime runtime)
    {
        var routes = new ConfigRoutes(runtime.Configuration, new ClusterView(runtime), runtime.NodeName);
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

        var change = JsonSerializer.SerializeToUtf8Bytes(new ConfigChangeJson(root, values), OperationsApiJson.Written.ConfigChangeJson);
        var others = await Task.WhenAll(view.Nodes().Where(node => node != nodeName)
            .Select(node => view.AskAsync(node, NodeAnswers.ConfigChange, change, context.RequestAborted)));
        var refusals = others.ToDictionary(a => a.Node, a => a.Answered ? JsonSerializer.Deserialize(a.Body, OperationsApiJson.Written.StringArray) ?? [] : [$"did not answer: {a.Failure}"]);
        var applied = refusals.Where(r => r.Value.Length == 0).Select(r => r.Key).Prepend(nodeName).ToList();
        if (refusals.Any(r => r.Value.Length > 0))
        {
            var failed = refusals.Where(r => r.Value.Length > 0).Select(r => $"{r.Key}: {string.Join("; ", r.Value)}");
            await ApiRequests.Error(context, StatusCodes.Status500InternalServerError, others.Any(a => !a.Answered) ? "NODE_DOWN" : "UPDATE_FAILED",
                $"applied on {string.Join(", ", applied)}; not on {string.Join(" | ", failed)}");
            return;
        }

        context.Response.Headers[AppliedNodesHeader] = string.Join(",", applied);
        await ManagementResponses.Json(context, StatusCodes.Status200OK, configuration.Show(root)!, OperationsApiJson.Written.JsonObject);
    }

    private static string Root(HttpContext context) => (string)context.Request.RouteValues["root"]!;

    private static Task NoSuchRoot(HttpContext context) =>
        ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND",
            $"no configuration root {Root(context)} (roots: {string.Join(", ", RuntimeConfiguration.Roots)})");
}
