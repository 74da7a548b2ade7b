using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using Broker.Core.Security.Protection;
using Broker.Core.Security.Records;
using Microsoft.AspNetCore.Http;

namespace Broker.Host.Management;

/// <summary>
/// The banned list, in EMQX 5's API:
/// <code>
///   GET    /api/v5/banned?page=&amp;limit=   the active bans
///   POST   /api/v5/banned                 {"as","who","by","reason","at","until"}: 200 with the ban; 409 when one exists
///   DELETE /api/v5/banned/{as}/{who}      204; 404 when there is none
/// </code>
/// <c>as</c> is clientid, username, peerhost, clientid_re, username_re or peerhost_net. A ban holds on every node of the
/// cluster; clients connected when it is made stay connected, as in EMQX (it is checked at CONNECT).
/// </summary>
internal sealed class BannedRoutes(SecurityStore store, TimeProvider time)
{
    public const string Path = "/api/v5/banned";

    public static void Map(IEndpointRouteBuilder app, SecurityStore store, TimeProvider time)
    {
        var banned = new BannedRoutes(store, time);
        app.MapGet(Path, banned.ListAsync);
        app.MapPost(Path, banned.AddAsync);
        app.MapDelete(Path + "/{as}/{**who}", banned.DeleteAsync);
    }

    public async Task ListAsync(HttpContext context)
    {
        if (await ApiRequests.PagingAsync(context) is not { } paging)
            return;
        var now = time.GetUtcNow();
        var bans = Banned().List.List()
            .Where(b => b.IsActive(now))
            .OrderBy(b => b.At).ThenBy(b => b.Who, StringComparer.Ordinal)
            .Select(ToJson).ToList();
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ApiRequests.Page(bans, paging), SecurityApiJson.Written.PageJsonBanJson);
    }

    public async Task AddAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, SecurityApiJson.Written.BanJson) is not { } body)
            return;
        if (body.As is null || !BanKindNames.TryParse(body.As, out var kind) || string.IsNullOrEmpty(body.Who))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"\"as\" ({BanKindNames.Known}) and \"who\" are required");
            return;
        }

        var now = time.GetUtcNow();
        var ban = new Ban(kind, body.Who, body.By ?? "mgmt_api", body.Reason ?? "", body.At ?? now, body.Until);
        if (ban.Until is { } until && until <= now)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"until ({until:O}) has passed already");
            return;
        }

        if (store.Get(BannedClients.TableKind, BanFormat.Key(kind, body.Who)) is { } existing && BanFormat.Deserialize(existing.Value!).IsActive(now))
        {
            await ApiRequests.Error(context, StatusCodes.Status409Conflict, "ALREADY_EXISTS", $"{body.As} {body.Who} is banned already; DELETE it first to change it");
            return;
        }

        try
        {
            await Banned().AddAsync(ban);
        }
        catch (ArgumentException e)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", e.Message);
            return;
        }

        await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(ban), SecurityApiJson.Written.BanJson);
    }

    public async Task DeleteAsync(HttpContext context)
    {
        var kindName = (string)context.Request.RouteValues["as"]!;
        var who = (string)context.Request.RouteValues["who"]!;
        if (!BanKindNames.TryParse(kindName, out var kind))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"unknown \"as\" {kindName} (known: {BanKindNames.Known})");
            return;
        }

        if (await Banned().RemoveAsync(kind, who))
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        else
            await ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND", $"{kindName} {who} is not banned");
    }

    // Registered by BrokerSecurity.Build before the endpoint starts, on every node.
    private BannedClients Banned() => store.Table<BannedClients>(BannedClients.TableKind)!;

    private static BanJson ToJson(Ban ban) => new(BanKindNames.Format(ban.Kind), ban.Who, ban.By, ban.Reason, ban.At, ban.Until);
}
