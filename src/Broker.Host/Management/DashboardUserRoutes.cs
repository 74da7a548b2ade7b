using Broker.Core.Security.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// The dashboard's users, in EMQX 5's API:
/// <code>
///   GET    /api/v5/users                          [{"username","role","description","backend"}]
///   POST   /api/v5/users                          {"username","password","role","description"}: 200 the user; 400 when it exists
///   PUT    /api/v5/users/{username}               {"role","description"}: 200
///   DELETE /api/v5/users/{username}               204; 400 NOT_ALLOWED for oneself
///   POST   /api/v5/users/{username}/change_pwd    {"old_pwd","new_pwd"}: 204; 400 ERROR_PWD_NOT_MATCH
/// </code>
/// Role administrator (the default) or viewer. A deleted user's or a changed password's tokens are revoked. The node's
/// own <c>broker ctl</c> may change a password without the old one (<c>broker ctl admins passwd</c>, as
/// <c>emqx ctl admins passwd</c>): whoever reads the node's data could anyway.
/// </summary>
internal sealed class DashboardUserRoutes(ApiAccess access)
{
    public const string Path = "/api/v5/users";

    public static void Map(IEndpointRouteBuilder app, ApiAccess access)
    {
        var users = new DashboardUserRoutes(access);
        app.MapGet(Path, users.ListAsync);
        app.MapPost(Path, users.AddAsync);
        app.MapPut(Path + "/{username}", users.UpdateAsync);
        app.MapDelete(Path + "/{username}", users.DeleteAsync);
        app.MapPost(Path + "/{username}/change_pwd", users.ChangePasswordAsync);
    }

    public Task ListAsync(HttpContext context) =>
        ManagementResponses.Json(context, StatusCodes.Status200OK, [.. access.Users.List().Select(ToJson)], AccessApiJson.Written.DashboardUserJsonArray);

    public async Task AddAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, AccessApiJson.Written.NewDashboardUserJson) is not { } body)
            return;
        var role = body.Role ?? AdminRole.Administrator;
        if (string.IsNullOrEmpty(body.Username) || string.IsNullOrEmpty(body.Password) || !AdminRole.IsKnown(role) || body.Username.Length > 100)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST",
                $"username (at most 100 characters) and password are required; role is {AdminRole.Administrator} or {AdminRole.Viewer}");
            return;
        }

        if (access.Users.Find(body.Username) is not null)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", "username_already_exists");
            return;
        }

        await access.Users.PutAsync(body.Username, body.Password, role, body.Description ?? "");
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(access.Users.Find(body.Username)!), AccessApiJson.Written.DashboardUserJson);
    }

    public async Task UpdateAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, AccessApiJson.Written.DashboardUserUpdateJson) is not { } body || await UserAsync(context) is not { } user)
            return;
        var role = body.Role ?? user.Role;
        if (!AdminRole.IsKnown(role))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"role is {AdminRole.Administrator} or {AdminRole.Viewer}");
            return;
        }

        await access.Users.UpdateAsync(user, role, body.Description ?? user.Description);
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(access.Users.Find(user.Username)!), AccessApiJson.Written.DashboardUserJson);
    }

    public async Task DeleteAsync(HttpContext context)
    {
        if (await UserAsync(context) is not { } user)
            return;
        if (ApiAccessMiddleware.Caller(context) is { Kind: ApiCallerKind.User } caller && caller.Name == user.Username)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "NOT_ALLOWED", "Cannot delete self");
            return;
        }

        await access.Users.RemoveAsync(user.Username);
        await access.Tokens.RevokeAllAsync(user.Username);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task ChangePasswordAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, AccessApiJson.Written.ChangePasswordJson) is not { } body || await UserAsync(context) is not { } user)
            return;
        var byNode = ApiAccessMiddleware.Caller(context) is { Kind: ApiCallerKind.Node };
        if (string.IsNullOrEmpty(body.NewPwd) || (string.IsNullOrEmpty(body.OldPwd) && !byNode))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", "Old password or new password undefined");
            return;
        }

        if (!string.IsNullOrEmpty(body.OldPwd) && access.Users.Verify(user.Username, body.OldPwd) is null)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "ERROR_PWD_NOT_MATCH", "Old password not match");
            return;
        }

        await access.Users.PutAsync(user.Username, body.NewPwd, user.Role, user.Description);
        await access.Tokens.RevokeAllAsync(user.Username);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task<DashboardUser?> UserAsync(HttpContext context)
    {
        var username = (string)context.Request.RouteValues["username"]!;
        if (access.Users.Find(username) is { } user)
            return user;
        await ApiRequests.Error(context, StatusCodes.Status404NotFound, "USER_NOT_FOUND", $"no dashboard user {username}");
        return null;
    }

    private static DashboardUserJson ToJson(DashboardUser user) => new(user.Username, user.Role, user.Description, "local");
}
