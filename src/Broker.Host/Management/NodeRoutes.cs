using System.Text.Json;
using System.Text.Json.Nodes;
using Broker.Cluster;
using Broker.Host.Management.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// The nodes and their numbers, in EMQX 5's API:
/// <code>
///   GET /api/v5/nodes                  every member: running ones with their info, the others {"node","node_status":"stopped","role"}
///   GET /api/v5/nodes/{node}           one; 404 NOT_FOUND for no member of that name
///   GET /api/v5/stats?aggregate=       per node [{"node", "connections.count", ...}], or summed across the nodes
///   GET /api/v5/metrics?aggregate=     per node [{"node", "messages.received", ...}], or summed across the nodes
/// </code>
/// A node that does not answer within the timeout is shown stopped in nodes, and left out of stats and metrics, as EMQX
/// leaves out the nodes its RPC failed for. Aggregated stats take what every node holds alike (topics, retained, shared
/// subscriptions) from this node, not summed.
/// </summary>
internal sealed class NodeRoutes(BrokerRuntime runtime, ClusterView view)
{
    public static void Map(IEndpointRouteBuilder app, BrokerRuntime runtime)
    {
        var nodes = new NodeRoutes(runtime, new ClusterView(runtime));
        app.MapGet("/api/v5/nodes", nodes.ListAsync);
        app.MapGet("/api/v5/nodes/{**node}", nodes.GetAsync);
        app.MapGet("/api/v5/stats", context => nodes.NumbersAsync(context, NodeAnswers.NodeStatsKind, global: Metrics.NodeStats.IsGlobal));
        app.MapGet("/api/v5/metrics", context => nodes.NumbersAsync(context, NodeAnswers.NodeMetrics, global: _ => false));
    }

    public async Task ListAsync(HttpContext context)
    {
        var answers = await view.AskAllAsync(NodeAnswers.NodeInfo, [], context.RequestAborted);
        var running = answers.Where(a => a.Answered).Select(a => JsonSerializer.Deserialize(a.Body, ViewJson.Written.NodeJson)!);
        var known = Members().Where(m => answers.All(a => !a.Answered || a.Node != m)).Select(Stopped);
        await ManagementResponses.Json(context, StatusCodes.Status200OK, [.. running.Concat(known).DistinctBy(n => n.Node)], ViewJson.Written.NodeJsonArray);
    }

    public async Task GetAsync(HttpContext context)
    {
        var node = Uri.UnescapeDataString((string)context.Request.RouteValues["node"]!);
        if (!Members().Contains(node, StringComparer.Ordinal))
        {
            await ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND", $"node {node} is no member of this cluster");
            return;
        }

        var answer = await view.AskAsync(node, NodeAnswers.NodeInfo, [], context.RequestAborted);
        var json = answer.Answered ? JsonSerializer.Deserialize(answer.Body, ViewJson.Written.NodeJson)! : Stopped(node);
        await ManagementResponses.Json(context, StatusCodes.Status200OK, json, ViewJson.Written.NodeJson);
    }

    public async Task NumbersAsync(HttpContext context, string kind, Func<string, bool> global)
    {
        var answers = await view.AskAllAsync(kind, [], context.RequestAborted);
        var perNode = answers.Where(a => a.Answered).Select(a => (a.Node, Values: JsonSerializer.Deserialize(a.Body, ViewJson.Written.DictionaryStringInt64)!)).ToList();
        JsonNode result;
        if (string.Equals(context.Request.Query["aggregate"], "true", StringComparison.OrdinalIgnoreCase))
        {
            var sum = new JsonObject();
            var self = perNode.FirstOrDefault(p => p.Node == runtime.NodeName).Values;
            foreach (var name in perNode.SelectMany(p => p.Values.Keys).Distinct())
            {
                sum[name] = global(name) && self is not null ? self.GetValueOrDefault(name) : perNode.Sum(p => p.Values.GetValueOrDefault(name));
            }

            result = sum;
        }
        else
        {
            var list = new JsonArray();
            foreach (var (node, values) in perNode)
            {
                var entry = new JsonObject { ["node"] = node };
                foreach (var (name, value) in values)
                {
                    entry[name] = value;
                }

                list.Add(entry);
            }

            result = list;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(result.ToJsonString(), context.RequestAborted);
    }

    /// <summary>Every member this node knows of, Up or not (EMQX lists stopped cores too); this node alone when in no cluster.</summary>
    private IReadOnlyList<string> Members() =>
        runtime.Cluster is { } cluster ? [.. cluster.Members.Members.Where(m => m.Status != ClusterMemberStatus.Removed).Select(m => m.Node).Append(runtime.NodeName).Distinct()] : [runtime.NodeName];

    private static NodeJson Stopped(string node) => new() { Node = node, NodeStatus = "stopped" };
}
