using System.Globalization;
using Broker.Host.Alarms;
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
/// This node's alarms. The list is read through <see cref="ListOf"/>, one node's at a time, so that a query of every
/// node of the cluster adds the others' to it.
/// </summary>
internal sealed class AlarmRoutes(NodeAlarms alarms)
{
    public const string Path = "/api/v5/alarms";

    public static void Map(IEndpointRouteBuilder app, NodeAlarms alarms)
    {
        var routes = new AlarmRoutes(alarms);
        app.MapGet(Path, routes.ListAsync);
        app.MapDelete(Path, routes.Clear);
    }

    public async Task ListAsync(HttpContext context)
    {
        if (await ApiRequests.PagingAsync(context) is not { } paging)
            return;
        var asked = context.Request.Query["activated"].ToString();
        bool? activated = asked switch { "true" => true, "false" => false, _ => null };
        if (asked.Length > 0 && activated is null)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"activated must be true or false, got \"{asked}\"");
            return;
        }

        var all = ListOf(alarms, activated, alarms.Now);
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ApiRequests.Page(all, paging), AlarmApiJson.Written.PageJsonAlarmJson);
    }

    public void Clear(HttpContext context)
    {
        alarms.Book.ClearDeactivated();
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

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
