using System.Globalization;
using System.Text;
using System.Text.Json;
using Broker.Host.Alarms;
using Broker.Host.Management.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// The alarms, in EMQX 5's API:
/// <code>
///   GET    /api/v5/alarms?activated=true|false&amp;page=&amp;limit=   active ones, cleared ones (the history), or both
///   DELETE /api/v5/alarms                                         204: the history of cleared alarms goes
/// </code>
/// Every node's alarms, each node's in turn (in node-name order), as EMQX lists them: a node that does not answer
/// gives 500 NODE_DOWN naming it (<see cref="ClusterView"/>), and a DELETE clears the history of every node that answers.
/// </summary>
internal sealed class AlarmRoutes(ClusterView view)
{
    public const string Path = "/api/v5/alarms";

    public static void Map(IEndpointRouteBuilder app, BrokerRuntime runtime)
    {
        var routes = new AlarmRoutes(new ClusterView(runtime));
        app.MapGet(Path, routes.ListAsync);
        app.MapDelete(Path, routes.ClearAsync);
    }

    public async Task ListAsync(HttpContext context)
    {
        if (await ApiRequests.PagingAsync(context) is not { } paging)
            return;
        var asked = context.Request.Query["activated"].ToString();
        if (asked.Length > 0 && Activated(asked) is null)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"activated must be true or false, got \"{asked}\"");
            return;
        }

        var answers = await view.AskAllAsync(NodeAnswers.Alarms, Encoding.UTF8.GetBytes(asked), context.RequestAborted);
        if (answers.FirstOrDefault(a => !a.Answered) is { } down)
        {
            await ClusterView.NodeDown(context, down);
            return;
        }

        var all = answers.SelectMany(a => JsonSerializer.Deserialize(a.Body, AlarmApiJson.Written.AlarmJsonArray) ?? []).ToList();
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ApiRequests.Page(all, paging), AlarmApiJson.Written.PageJsonAlarmJson);
    }

    public async Task ClearAsync(HttpContext context)
    {
        var answers = await view.AskAllAsync(NodeAnswers.AlarmsClear, [], context.RequestAborted);
        if (answers.FirstOrDefault(a => !a.Answered) is { } down)
        {
            await ClusterView.NodeDown(context, down);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary><c>?activated=</c>: true, false, or null for both (also for anything else, which the route refuses first).</summary>
    public static bool? Activated(string asked) => asked switch { "true" => true, "false" => false, _ => null };

    /// <summary>One node's alarms as the API shows them: active ones first when both are asked for, each oldest first.</summary>
    public static IReadOnlyList<AlarmJson> ListOf(NodeAlarms alarms, bool? activated, DateTimeOffset now)
    {
        IEnumerable<Alarm> active = activated is null or true ? alarms.Book.Active() : [];
        IEnumerable<Alarm> cleared = activated is null or false ? alarms.Book.Deactivated(now) : [];
        return [.. active.Concat(cleared).Select(a => ToJson(a, now))];
    }

    private static AlarmJson ToJson(Alarm alarm, DateTimeOffset now) => new(
        alarm.Node, alarm.Name, alarm.Message, alarm.Details, (long)alarm.Duration(now).TotalMilliseconds, Rfc3339(alarm.ActivateAt),
        alarm.DeactivateAt is { } at ? Rfc3339(at) : null);

    private static string Rfc3339(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
