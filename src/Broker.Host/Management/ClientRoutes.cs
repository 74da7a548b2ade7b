using System.Globalization;
using System.Text.Json;
using Broker.Host.Management.Views;
using Broker.Mqtt.Topics;
using Broker.Transport.Channels;
using Broker.Transport.Connections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// The clients of the whole cluster, in EMQX 5's API:
/// <code>
///   GET    /api/v5/clients?page=&amp;limit=&amp;clientid=&amp;username=&amp;ip_address=&amp;conn_state=&amp;proto_ver=&amp;like_clientid=
///          &amp;like_username=&amp;clean_start=&amp;gte_connected_at=&amp;lte_connected_at=&amp;node=
///   GET    /api/v5/clients/{clientid}                   404 CLIENTID_NOT_FOUND when no node has its session
///   DELETE /api/v5/clients/{clientid}                   kick: DISCONNECT 0x98, the session discarded; 204
///   GET    /api/v5/clients/{clientid}/subscriptions
///   POST   /api/v5/clients/{clientid}/subscribe         {"topic","qos","nl","rap","rh"}, and /subscribe/bulk with a list
///   POST   /api/v5/clients/{clientid}/unsubscribe       {"topic"}, and /unsubscribe/bulk with a list; 204
/// </code>
/// A client's session lives on one node; the operations on one client ask every node, and the one that has it answers.
/// </summary>
internal sealed class ClientRoutes(ClusterView view, BrokerContext broker)
{
    public const string Path = "/api/v5/clients";

    public static void Map(IEndpointRouteBuilder app, BrokerRuntime runtime)
    {
        var clients = new ClientRoutes(new ClusterView(runtime), runtime.Context);
        app.MapGet(Path, clients.ListAsync);
        app.MapGet(Path + "/{clientid}", clients.GetAsync);
        app.MapDelete(Path + "/{clientid}", clients.KickAsync);
        app.MapGet(Path + "/{clientid}/subscriptions", clients.SubscriptionsAsync);
        app.MapPost(Path + "/{clientid}/subscribe", context => clients.SubscribeAsync(context, bulk: false));
        app.MapPost(Path + "/{clientid}/subscribe/bulk", context => clients.SubscribeAsync(context, bulk: true));
        app.MapPost(Path + "/{clientid}/unsubscribe", context => clients.UnsubscribeAsync(context, bulk: false));
        app.MapPost(Path + "/{clientid}/unsubscribe/bulk", context => clients.UnsubscribeAsync(context, bulk: true));
    }

    public async Task ListAsync(HttpContext context)
    {
        if (await ApiRequests.PagingAsync(context) is not { } paging || await FilterAsync(context) is not { } filter || await NodesAsync(context) is not { } nodes)
            return;
        var (page, failed) = await view.PageAsync(
            nodes, NodeAnswers.ClientsCount, NodeAnswers.ClientsPage, filter, ViewJson.Written.ClientFilter,
            ViewJson.Written.PageQueryClientFilter, ViewJson.Written.ClientJsonArray, paging, context.RequestAborted);
        if (page is null)
            await ClusterView.NodeDown(context, failed!);
        else
            await ManagementResponses.Json(context, StatusCodes.Status200OK, page, ViewJson.Written.PageJsonClientJson);
    }

    public async Task GetAsync(HttpContext context)
    {
        var (found, failed) = await FindAsync(context, NodeAnswers.ClientGet, new ClientCommand(ClientId(context)));
        if (found is not null)
            await ManagementResponses.Json(context, StatusCodes.Status200OK, JsonSerializer.Deserialize(found.Body, ViewJson.Written.ClientJson)!, ViewJson.Written.ClientJson);
        else
            await NotFound(context, failed);
    }

    public async Task KickAsync(HttpContext context)
    {
        var answers = await view.AskAllAsync(NodeAnswers.ClientKick, Body(new ClientCommand(ClientId(context))), context.RequestAborted);
        if (answers.Any(a => a.Answered && JsonSerializer.Deserialize(a.Body, ViewJson.Written.Boolean)))
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        else
            await NotFound(context, answers.FirstOrDefault(a => !a.Answered));
    }

    public async Task SubscriptionsAsync(HttpContext context)
    {
        var (found, failed) = await FindAsync(context, NodeAnswers.ClientSubscriptions, new ClientCommand(ClientId(context)));
        if (found is not null)
            await ManagementResponses.Json(context, StatusCodes.Status200OK, JsonSerializer.Deserialize(found.Body, ViewJson.Written.SubscriptionJsonArray)!, ViewJson.Written.SubscriptionJsonArray);
        else
            await NotFound(context, failed);
    }

    public async Task SubscribeAsync(HttpContext context, bool bulk)
    {
        var subscriptions = bulk
            ? await ApiRequests.ReadBodyAsync(context, ViewJson.Written.SubscribeJsonArray)
            : await ApiRequests.ReadBodyAsync(context, ViewJson.Written.SubscribeJson) is { } one ? [one] : null;
        if (subscriptions is null)
            return;
        if (subscriptions.FirstOrDefault(s => s.Topic is null || !TopicValidator.IsValidFilter(s.Topic) || s.Qos is < 0 or > 2 || s.Rh is < 0 or > 2) is { } bad)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "INVALID_PARAMETER", $"\"{bad.Topic}\": a valid topic filter and qos 0 to 2 (rh 0 to 2) are required");
            return;
        }

        // What the client's own SUBSCRIBE would be refused, the operator cannot give it either.
        if (subscriptions.FirstOrDefault(s => TopicValidator.IsShared(s.Topic!) && s.Nl == 1) is { } noLocal)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "INVALID_PARAMETER", $"\"{noLocal.Topic}\": no local on a shared subscription [MQTT-3.8.3-4]");
            return;
        }

        if (subscriptions.Select(s => (s.Topic, Refusal: SubscriptionLimits.Refusal(s.Topic!, broker.Settings))).FirstOrDefault(r => r.Refusal is not null) is { Topic: { } refused } limit)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "INVALID_PARAMETER", $"\"{refused}\": {limit.Refusal} (mqtt.* limits)");
            return;
        }

        var clientId = ClientId(context);
        var (found, failed) = await FindAsync(context, NodeAnswers.ClientSubscribe, new ClientCommand(clientId, Subscribe: subscriptions));
        if (found is null)
        {
            await NotFound(context, failed);
            return;
        }

        var codes = JsonSerializer.Deserialize(found.Body, ViewJson.Written.Int32Array)!;
        var done = subscriptions.Select((s, i) => new SubscribedJson(clientId, s.Topic!, codes[i], found.Node)).ToArray();
        if (bulk)
            await ManagementResponses.Json(context, StatusCodes.Status200OK, done, ViewJson.Written.SubscribedJsonArray);
        else
            await ManagementResponses.Json(context, StatusCodes.Status200OK, done[0], ViewJson.Written.SubscribedJson);
    }

    public async Task UnsubscribeAsync(HttpContext context, bool bulk)
    {
        var topics = bulk
            ? await ApiRequests.ReadBodyAsync(context, ViewJson.Written.UnsubscribeJsonArray)
            : await ApiRequests.ReadBodyAsync(context, ViewJson.Written.UnsubscribeJson) is { } one ? [one] : null;
        if (topics is null)
            return;
        if (topics.Any(t => string.IsNullOrEmpty(t.Topic)))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "INVALID_PARAMETER", "\"topic\" is required");
            return;
        }

        var (found, failed) = await FindAsync(context, NodeAnswers.ClientUnsubscribe, new ClientCommand(ClientId(context), Unsubscribe: [.. topics.Select(t => t.Topic!)]));
        if (found is null)
            await NotFound(context, failed);
        else
            context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>The answer of the node that has the client's session (a body that is not null), or the first node that failed.</summary>
    private async Task<(Broker.Cluster.Queries.NodeAnswer? Found, Broker.Cluster.Queries.NodeAnswer? Failed)> FindAsync(HttpContext context, string kind, ClientCommand command)
    {
        var answers = await view.AskAllAsync(kind, Body(command), context.RequestAborted);
        return (answers.FirstOrDefault(a => a.Answered && !a.Body.AsSpan().SequenceEqual("null"u8)), answers.FirstOrDefault(a => !a.Answered));
    }

    /// <summary>404 CLIENTID_NOT_FOUND; when a node did not answer, it may have had the client: 500 NODE_DOWN instead.</summary>
    private static Task NotFound(HttpContext context, Broker.Cluster.Queries.NodeAnswer? failed) =>
        failed is not null
            ? ClusterView.NodeDown(context, failed)
            : ApiRequests.Error(context, StatusCodes.Status404NotFound, "CLIENTID_NOT_FOUND", "Client ID not found");

    private static byte[] Body(ClientCommand command) => JsonSerializer.SerializeToUtf8Bytes(command, ViewJson.Written.ClientCommand);

    /// <summary>
    /// The path segment <c>{clientid}</c>, decoded once from the raw target (<see cref="ApiRequests.RawPathValue"/>): a
    /// client id holding '/' comes as %2F, one holding '%' as %25.
    /// </summary>
    private static string ClientId(HttpContext context) =>
        ApiRequests.RawPathValue(context, Path, toEnd: false) ?? (string)context.Request.RouteValues["clientid"]!;

    /// <summary>The nodes to ask: all, or the one <c>node=</c> names (400 when it is no Up member).</summary>
    private async Task<IReadOnlyList<string>?> NodesAsync(HttpContext context)
    {
        var all = view.Nodes();
        if (context.Request.Query["node"].ToString() is not { Length: > 0 } node)
            return all;
        if (all.Contains(node, StringComparer.Ordinal))
            return [node];
        await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "INVALID_PARAMETER", $"node {node} is not a running member");
        return null;
    }

    private static async Task<ClientFilter?> FilterAsync(HttpContext context)
    {
        var query = context.Request.Query;
        string? Text(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;
        try
        {
            return new ClientFilter
            {
                Clientid = Text("clientid"),
                Username = Text("username"),
                IpAddress = Text("ip_address"),
                Connected = Text("conn_state") switch
                {
                    null => null,
                    "connected" => true,
                    "disconnected" => false,
                    var other => throw new FormatException($"conn_state must be connected or disconnected, not {other}"),
                },
                ProtoVer = Text("proto_ver") is { } version ? int.Parse(version, CultureInfo.InvariantCulture) : null,
                LikeClientid = Text("like_clientid"),
                LikeUsername = Text("like_username"),
                CleanStart = Text("clean_start") is { } clean ? bool.Parse(clean) : null,
                GteConnectedAt = Text("gte_connected_at") is { } gte ? Time(gte) : null,
                LteConnectedAt = Text("lte_connected_at") is { } lte ? Time(lte) : null,
            };
        }
        catch (FormatException e)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "INVALID_PARAMETER", e.Message);
            return null;
        }
    }

    /// <summary>As EMQX takes times: Unix milliseconds, or RFC 3339.</summary>
    private static long Time(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUnixTimeMilliseconds()
        : throw new FormatException($"{text} is neither Unix milliseconds nor an RFC 3339 time");
}
