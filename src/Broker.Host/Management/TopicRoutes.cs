using Broker.Core.Routing;
using Route = Broker.Core.Routing.Route;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// The routes (EMQX's "topics"), in EMQX 5's API:
/// <code>
///   GET /api/v5/topics?page=&amp;limit=&amp;topic=&amp;node=   every (filter, node) pair of the cluster's route table
///   GET /api/v5/topics/{topic}                        the routes of one filter; 404 TOPIC_NOT_FOUND when it has none
/// </code>
/// The node asked answers alone: its node table holds every node's routes (replicated, ARCHITECTURE.md "Routes"), so
/// a route written on another node a moment ago may not be listed yet. Another node's shared group on a filter is
/// listed as <c>$share/group/filter</c>, as EMQX formats it.
/// </summary>
internal sealed class TopicRoutes(RouteTable routes)
{
    public const string Path = "/api/v5/topics";

    public static void Map(IEndpointRouteBuilder app, RouteTable routes)
    {
        var topics = new TopicRoutes(routes);
        app.MapGet(Path, topics.ListAsync).WithTags("Topics").WithSummary("The cluster's routes: topic filter and node");
        app.MapGet(Path + "/{**topic}", topics.GetAsync).WithTags("Topics").WithSummary("The routes of one topic filter");
    }

    public async Task ListAsync(HttpContext context)
    {
        if (await ApiRequests.PagingAsync(context) is not { } paging)
            return;
        var topic = context.Request.Query["topic"].ToString();
        var node = context.Request.Query["node"].ToString();
        var all = routes.Nodes.Routes()
            .Where(route => topic.Length == 0 || route.Filter == topic)
            .SelectMany(Rows)
            .Where(row => node.Length == 0 || row.Node == node)
            .OrderBy(row => row.Topic, StringComparer.Ordinal).ThenBy(row => row.Node, StringComparer.Ordinal)
            .ToList();
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ApiRequests.Page(all, paging), OperationsApiJson.Written.PageJsonTopicRouteJson);
    }

    public async Task GetAsync(HttpContext context)
    {
        var topic = ApiRequests.TopicOf(context, Path);
        if (routes.Nodes.Find(topic) is not { } route || Rows(route).ToList() is not { Count: > 0 } rows)
        {
            await ApiRequests.Error(context, StatusCodes.Status404NotFound, "TOPIC_NOT_FOUND", "Topic not found");
            return;
        }

        await ManagementResponses.Json(context, StatusCodes.Status200OK, rows, OperationsApiJson.Written.ListTopicRouteJson);
    }

    private static IEnumerable<TopicRouteJson> Rows(Route route) =>
        route.Nodes.Select(node => new TopicRouteJson(route.Filter, node))
            .Concat(route.Shared.SelectMany(shared => shared.Nodes.Select(node => new TopicRouteJson(shared.SharedFilter, node))));
}
