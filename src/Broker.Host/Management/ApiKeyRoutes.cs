using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Broker.Core.Security.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// The API keys, in EMQX 5's API:
/// <code>
///   GET    /api/v5/api_key          [{"name","api_key","desc","enable","expired_at","created_at","expired","role"}]
///   POST   /api/v5/api_key          {"name","desc","enable","expired_at","role"}: 200 with "api_secret", shown this once
///   GET    /api/v5/api_key/{name}
///   PUT    /api/v5/api_key/{name}   {"desc","enable","expired_at","role"}: absent fields unchanged
///   DELETE /api/v5/api_key/{name}   204
/// </code>
/// A key is used as HTTP Basic <c>api_key:api_secret</c> on every node of the cluster once its record has reached it.
/// </summary>
internal sealed partial class ApiKeyRoutes(ApiAccess access)
{
    public const string Path = "/api/v5/api_key";

    public static void Map(IEndpointRouteBuilder app, ApiAccess access)
    {
        var keys = new ApiKeyRoutes(access);
        app.MapGet(Path, keys.ListAsync);
        app.MapPost(Path, keys.AddAsync);
        app.MapGet(Path + "/{name}", keys.GetAsync);
        app.MapPut(Path + "/{name}", keys.UpdateAsync);
        app.MapDelete(Path + "/{name}", keys.DeleteAsync);
    }

    public Task ListAsync(HttpContext context)
    {
        var now = access.Time.GetUtcNow();
        return ManagementResponses.Json(context, StatusCodes.Status200OK, [.. access.Keys.List().Select(k => ToJson(k, null, now))], AccessApiJson.Written.ApiKeyJsonArray);
    }

    public async Task GetAsync(HttpContext context)
    {
        if (await KeyAsync(context) is { } key)
            await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(key, null, access.Time.GetUtcNow()), AccessApiJson.Written.ApiKeyJson);
    }

    public async Task AddAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, AccessApiJson.Written.ApiKeyRequestJson) is not { } body)
            return;
        var role = body.Role ?? AdminRole.Administrator;
        if (body.Name is null || !ValidName().IsMatch(body.Name) || !AdminRole.IsKnown(role) || !TryExpiry(body.ExpiredAt, out var expiredAt))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST",
                $"name is required (a letter, then letters, digits, - or _, at most 256); role {AdminRole.Administrator} or {AdminRole.Viewer}; expired_at \"infinity\", RFC 3339 or Unix seconds");
            return;
        }

        if (access.Keys.Find(body.Name) is not null)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"Name {body.Name} is already taken");
            return;
        }

        var now = access.Time.GetUtcNow();
        var (key, secret) = await access.Keys.CreateAsync(body.Name, body.Desc ?? "", body.Enable ?? true, expiredAt, role, now);
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(key, secret, now), AccessApiJson.Written.ApiKeyJson);
    }

    public async Task UpdateAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, AccessApiJson.Written.ApiKeyRequestJson) is not { } body || await KeyAsync(context) is not { } key)
            return;
        DateTimeOffset? expiredAt = key.ExpiredAt;
        if ((body.Role is { } role && !AdminRole.IsKnown(role)) || (body.ExpiredAt is not null && !TryExpiry(body.ExpiredAt, out expiredAt)))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST",
                $"role {AdminRole.Administrator} or {AdminRole.Viewer}; expired_at \"infinity\", RFC 3339 or Unix seconds");
            return;
        }

        var changed = key with { Description = body.Desc ?? key.Description, Enable = body.Enable ?? key.Enable, ExpiredAt = expiredAt, Role = body.Role ?? key.Role };
        await access.Keys.UpdateAsync(changed);
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(changed, null, access.Time.GetUtcNow()), AccessApiJson.Written.ApiKeyJson);
    }

    public async Task DeleteAsync(HttpContext context)
    {
        if (await KeyAsync(context) is not { } key)
            return;
        await access.Keys.RemoveAsync(key.Name);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task<ApiKey?> KeyAsync(HttpContext context)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        if (access.Keys.Find(name) is { } key)
            return key;
        await ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND", $"no API key {name}");
        return null;
    }

    /// <summary>"infinity" (or nothing) for never, an RFC 3339 time, or Unix seconds.</summary>
    private static bool TryExpiry(JsonElement? given, out DateTimeOffset? expiredAt)
    {
        expiredAt = null;
        switch (given?.ValueKind)
        {
            case null or JsonValueKind.Null or JsonValueKind.Undefined:
                return true;
            case JsonValueKind.Number when given.Value.TryGetInt64(out var seconds) && seconds is >= 0 and < 253402300800:
                expiredAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
                return true;
            case JsonValueKind.String when given.Value.GetString() == "infinity":
                return true;
            case JsonValueKind.String when DateTimeOffset.TryParse(given.Value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at):
                expiredAt = at;
                return true;
            default:
                return false;
        }
    }

    private static ApiKeyJson ToJson(ApiKey key, string? secret, DateTimeOffset now) =>
        new(key.Name, key.Key, secret, key.Description, key.Enable, key.ExpiredAt?.ToString("O", CultureInfo.InvariantCulture) ?? "infinity", key.CreatedAt, key.IsExpired(now), key.Role);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,255}$")]
    private static partial Regex ValidName();
}
