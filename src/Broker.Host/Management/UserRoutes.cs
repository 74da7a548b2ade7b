using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using System.Text;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Records;
using Microsoft.AspNetCore.Http;

namespace Broker.Host.Management;

/// <summary>
/// The users of an authenticator that keeps them in the node (EMQX's built-in database), in EMQX 5's API:
/// <code>
///   GET    /api/v5/authentication/{id}/users?page=&amp;limit=   the users, in user id order (never their hashes)
///   POST   /api/v5/authentication/{id}/users                 {"user_id","password","is_superuser"}: 201, 409 when it exists
///   GET    /api/v5/authentication/{id}/users/{user_id}
///   PUT    /api/v5/authentication/{id}/users/{user_id}       {"password","is_superuser"}: a new password
///   DELETE /api/v5/authentication/{id}/users/{user_id}       204
/// </code>
/// {id} is the authenticator's id in the chain, e.g. password_based:built_in_database. A user id may hold "/": sent as
/// it is (each part between escaped), it is taken whole. A change is stored on this node
/// before the answer and reaches the other nodes of the cluster within a gossip round or two.
/// </summary>
internal sealed class UserRoutes(SecurityStore store)
{
    public const string Path = "/api/v5/authentication/{id}/users";

    public static void Map(IEndpointRouteBuilder app, SecurityStore store)
    {
        var users = new UserRoutes(store);
        app.MapGet(Path, users.ListAsync);
        app.MapPost(Path, users.AddAsync);
        app.MapGet(Path + "/{**user_id}", users.GetAsync);
        app.MapPut(Path + "/{**user_id}", users.UpdateAsync);
        app.MapDelete(Path + "/{**user_id}", users.DeleteAsync);
    }

    public async Task ListAsync(HttpContext context)
    {
        if (await TableAsync(context) is not { } table || await ApiRequests.PagingAsync(context) is not { } paging)
            return;
        var users = store.Entries(table.Kind).Select(r => ToJson(table, r)).ToList();
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ApiRequests.Page(users, paging), SecurityApiJson.Written.PageJsonUserJson);
    }

    public async Task GetAsync(HttpContext context)
    {
        if (await TableAsync(context) is not { } table)
            return;
        var userId = UserId(context);
        if (store.Get(table.Kind, userId) is { } record)
            await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(table, record), SecurityApiJson.Written.UserJson);
        else
            await NotFound(context, userId);
    }

    public async Task AddAsync(HttpContext context)
    {
        if (await TableAsync(context) is not { } table || await ApiRequests.ReadBodyAsync(context, SecurityApiJson.Written.NewUserJson) is not { } body)
            return;
        if (string.IsNullOrEmpty(body.UserId) || string.IsNullOrEmpty(body.Password))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", "user_id and password are required");
            return;
        }

        if (store.Get(table.Kind, body.UserId) is not null)
        {
            await ApiRequests.Error(context, StatusCodes.Status409Conflict, "ALREADY_EXISTS", $"user {body.UserId} exists; PUT changes its password");
            return;
        }

        var superuser = body.IsSuperuser ?? false;
        await store.PutAsync(table.Kind, body.UserId, table.Encode(body.UserId, Encoding.UTF8.GetBytes(body.Password), superuser));
        await ManagementResponses.Json(context, StatusCodes.Status201Created, new UserJson(body.UserId, superuser), SecurityApiJson.Written.UserJson);
    }

    public async Task UpdateAsync(HttpContext context)
    {
        if (await TableAsync(context) is not { } table || await ApiRequests.ReadBodyAsync(context, SecurityApiJson.Written.UserUpdateJson) is not { } body)
            return;
        var userId = UserId(context);
        if (store.Get(table.Kind, userId) is not { } current)
        {
            await NotFound(context, userId);
            return;
        }

        if (string.IsNullOrEmpty(body.Password))
        {
            // The stored hash cannot be carried over into a new salt: a change is a new password.
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", "password is required");
            return;
        }

        var superuser = body.IsSuperuser ?? table.IsSuperuser(current.Value!);
        await store.PutAsync(table.Kind, userId, table.Encode(userId, Encoding.UTF8.GetBytes(body.Password), superuser));
        await ManagementResponses.Json(context, StatusCodes.Status200OK, new UserJson(userId, superuser), SecurityApiJson.Written.UserJson);
    }

    public async Task DeleteAsync(HttpContext context)
    {
        if (await TableAsync(context) is not { } table)
            return;
        var userId = UserId(context);
        if (await store.RemoveAsync(table.Kind, userId))
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        else
            await NotFound(context, userId);
    }

    private async Task<IUserTable?> TableAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        if (store.Table<IUserTable>("users/" + id) is { } table)
            return table;
        await ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND",
            $"no authenticator {id} that keeps users in the node is configured (authentication = [...]; e.g. password_based:built_in_database)");
        return null;
    }

    private static string UserId(HttpContext context) => (string)context.Request.RouteValues["user_id"]!;

    private static UserJson ToJson(IUserTable table, SecurityRecord record) => new(record.Key, table.IsSuperuser(record.Value!));

    private static Task NotFound(HttpContext context, string userId) =>
        ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND", $"no user {userId}");
}
