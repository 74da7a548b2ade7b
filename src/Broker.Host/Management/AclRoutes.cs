using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using System.Text.Json;
using Broker.Core.Security.Authorization.BuiltIn;
using Broker.Core.Security.Records;
using Microsoft.AspNetCore.Http;

namespace Broker.Host.Management;

/// <summary>
/// The built-in database's authorization rules, in EMQX 5's API (rules are EMQX's raw rules:
/// <c>{"permission","action","topic","qos","retain"}</c>):
/// <code>
///   GET    /api/v5/authorization/sources/built_in_database/rules/users?page=&amp;limit=   [{"username","rules"}]
///   POST   /api/v5/authorization/sources/built_in_database/rules/users               [{"username","rules"}]: 204
///   GET    /api/v5/authorization/sources/built_in_database/rules/users/{username}
///   PUT    /api/v5/authorization/sources/built_in_database/rules/users/{username}    {"username","rules"}: 204
///   DELETE /api/v5/authorization/sources/built_in_database/rules/users/{username}    204
///   ... the same under rules/clients with "clientid"
///   GET | POST | DELETE /api/v5/authorization/sources/built_in_database/rules/all   {"rules"}
/// </code>
/// A change reaches every node of the cluster, and connected clients once their cached decisions expire (cache.ttl).
/// </summary>
internal sealed class AclRoutes(SecurityStore store)
{
    public const string Path = "/api/v5/authorization/sources/built_in_database/rules";

    private const string Who = "/{who:regex(^(users|clients)$)}";

    public static void Map(IEndpointRouteBuilder app, SecurityStore store)
    {
        var acl = new AclRoutes(store);
        app.MapGet(Path + "/all", acl.GetAllAsync);
        app.MapPost(Path + "/all", acl.SetAllAsync);
        app.MapDelete(Path + "/all", acl.DeleteAllAsync);
        app.MapGet(Path + Who, acl.ListAsync);
        app.MapPost(Path + Who, acl.AddAsync);
        app.MapGet(Path + Who + "/{**name}", acl.GetAsync);
        app.MapPut(Path + Who + "/{**name}", acl.PutAsync);
        app.MapDelete(Path + Who + "/{**name}", acl.DeleteAsync);
    }

    /// <summary>"users" or "clients": whose rules, and the JSON field naming them.</summary>
    private static bool ByUsername(HttpContext context) => (string)context.Request.RouteValues["who"]! == "users";

    public async Task ListAsync(HttpContext context)
    {
        if (await AclAsync(context) is null || await ApiRequests.PagingAsync(context) is not { } paging)
            return;
        var byUsername = ByUsername(context);
        var prefix = byUsername ? BuiltInAcl.UsernameKey("") : BuiltInAcl.ClientIdKey("");
        var entries = store.Entries(BuiltInAcl.TableKind)
            .Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(r => ToJson(r.Key[prefix.Length..], byUsername, r.Value!)).ToList();
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ApiRequests.Page(entries, paging), SecurityApiJson.Written.PageJsonAclRulesJson);
    }

    public async Task AddAsync(HttpContext context)
    {
        if (await AclAsync(context) is not { } acl || await ApiRequests.ReadBodyAsync(context, SecurityApiJson.Written.AclRulesJsonArray) is not { } body)
            return;
        var byUsername = ByUsername(context);
        var changes = new List<(string Key, string Value)>();
        foreach (var entry in body)
        {
            var name = byUsername ? entry.Username : entry.Clientid;
            if (string.IsNullOrEmpty(name) || await EncodeAsync(context, acl, entry.Rules, name) is not { } value)
            {
                if (string.IsNullOrEmpty(name))
                    await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"each entry needs {(byUsername ? "username" : "clientid")} and rules");
                return;
            }

            changes.Add((Key(byUsername, name), value));
        }

        // All checked before any is stored: a bad entry changes nothing.
        await Task.WhenAll(changes.Select(c => store.PutAsync(BuiltInAcl.TableKind, c.Key, c.Value)));
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task GetAsync(HttpContext context)
    {
        if (await AclAsync(context) is null)
            return;
        var (byUsername, name) = (ByUsername(context), Name(context));
        if (store.Get(BuiltInAcl.TableKind, Key(byUsername, name)) is { } record)
            await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(name, byUsername, record.Value!), SecurityApiJson.Written.AclRulesJson);
        else
            await ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND", $"no rules for {(byUsername ? "username" : "client id")} {name}");
    }

    public async Task PutAsync(HttpContext context)
    {
        if (await AclAsync(context) is not { } acl || await ApiRequests.ReadBodyAsync(context, SecurityApiJson.Written.AclRulesJson) is not { } body)
            return;
        var (byUsername, name) = (ByUsername(context), Name(context));
        if (await EncodeAsync(context, acl, body.Rules, name) is not { } value)
            return;
        await store.PutAsync(BuiltInAcl.TableKind, Key(byUsername, name), value);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task DeleteAsync(HttpContext context)
    {
        if (await AclAsync(context) is null)
            return;
        var (byUsername, name) = (ByUsername(context), Name(context));
        if (await store.RemoveAsync(BuiltInAcl.TableKind, Key(byUsername, name)))
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        else
            await ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND", $"no rules for {(byUsername ? "username" : "client id")} {name}");
    }

    public async Task GetAllAsync(HttpContext context)
    {
        if (await AclAsync(context) is null)
            return;
        var value = store.Get(BuiltInAcl.TableKind, BuiltInAcl.AllKey)?.Value ?? "[]";
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(null, false, value), SecurityApiJson.Written.AclRulesJson);
    }

    public async Task SetAllAsync(HttpContext context)
    {
        if (await AclAsync(context) is not { } acl || await ApiRequests.ReadBodyAsync(context, SecurityApiJson.Written.AclRulesJson) is not { } body
            || await EncodeAsync(context, acl, body.Rules, "all") is not { } value)
            return;
        await store.PutAsync(BuiltInAcl.TableKind, BuiltInAcl.AllKey, value);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task DeleteAllAsync(HttpContext context)
    {
        if (await AclAsync(context) is null)
            return;
        await store.RemoveAsync(BuiltInAcl.TableKind, BuiltInAcl.AllKey);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task<BuiltInAcl?> AclAsync(HttpContext context)
    {
        if (store.Table<BuiltInAcl>(BuiltInAcl.TableKind) is { } acl)
            return acl;
        await ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND",
            "no built_in_database authorization source is configured (authorization.sources = [{ type = built_in_database }])");
        return null;
    }

    private static async Task<string?> EncodeAsync(HttpContext context, BuiltInAcl acl, JsonElement rules, string whose)
    {
        try
        {
            return acl.Encode(rules);
        }
        catch (FormatException e)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"rules of {whose}: {e.Message}");
            return null;
        }
    }

    private static string Name(HttpContext context) => (string)context.Request.RouteValues["name"]!;

    private static string Key(bool byUsername, string name) => byUsername ? BuiltInAcl.UsernameKey(name) : BuiltInAcl.ClientIdKey(name);

    private static AclRulesJson ToJson(string? name, bool byUsername, string rules)
    {
        using var json = JsonDocument.Parse(rules);
        return new AclRulesJson(byUsername ? name : null, byUsername ? null : name, json.RootElement.Clone());
    }
}
