using System.Globalization;
using Broker.Host.Management.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// The subscriptions of the whole cluster, in EMQX 5's API:
/// <code>
///   GET /api/v5/subscriptions?page=&amp;limit=&amp;clientid=&amp;topic=&amp;qos=&amp;share_group=&amp;match_topic=&amp;node=
/// </code>
/// Each node lists its own from its route table's local table; paged across nodes as <see cref="ClusterView"/> says.
/// </summary>
internal sealed class SubscriptionRoutes(ClusterView view)
{
    public const string Path = "/api/v5/subscriptions";

    public static void Map(IEndpointRouteBuilder app, BrokerRuntime runtime) => app.MapGet(Path, new SubscriptionRoutes(new ClusterView(runtime)).ListAsync);

    public async Task ListAsync(HttpContext context)
    {
        if (await ApiRequests.PagingAsync(context) is not { } paging)
            return;
        var query = context.Request.Query;
        string? Text(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
        int? qos = null;
        if (Text("qos") is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var level) || level > 2)
            {
                await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "INVALID_PARAMETER", "qos must be 0, 1 or 2");
                return;
            }

            qos = level;
        }

        var nodes = view.Nodes();
        if (Text("node") is { } node)
        {
            if (!nodes.Contains(node, StringComparer.Ordinal))
            {
                await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "INVALID_PARAMETER", $"node {node} is not a running member");
                return;
            }

            nodes = [node];
        }

        var filter = new SubscriptionFilter(Text("clientid"), Text("topic"), qos, Text("share_group"), Text("match_topic"));
        var (page, failed) = await view.PageAsync(
            nodes, NodeAnswers.SubscriptionsCount, NodeAnswers.SubscriptionsPage, filter, ViewJson.Written.SubscriptionFilter,
            ViewJson.Written.PageQuerySubscriptionFilter, ViewJson.Written.SubscriptionJsonArray, paging, context.RequestAborted);
        if (page is null)
            await ClusterView.NodeDown(context, failed!);
        else
            await ManagementResponses.Json(context, StatusCodes.Status200OK, page, ViewJson.Written.PageJsonSubscriptionJson);
    }
}
