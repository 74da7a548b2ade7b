using System.Security.Cryptography;
using System.Text;
using Broker.Core.Security.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// A dashboard user's login and logout, in EMQX 5's API:
/// <code>
///   POST /api/v5/login    {"username","password"}: 200 {"token","version","license","role","password_change_required"};
///                         401 BAD_USERNAME_OR_PWD, or LOGIN_LOCKED after repeated failures (open without credentials)
///   POST /api/v5/logout   {"username"} with the bearer token: 204, the token revoked on every node
/// </code>
/// </summary>
internal sealed class LoginRoutes(ApiAccess access)
{
    public const string LoginPath = "/api/v5/login";
    public const string LogoutPath = "/api/v5/logout";


    public static void Map(IEndpointRouteBuilder app, ApiAccess access)
    {
        var routes = new LoginRoutes(access);
        app.MapPost(LoginPath, routes.LoginAsync);
        app.MapPost(LogoutPath, routes.LogoutAsync);
    }

    private const int MaxUsernameLength = 256;

    private static readonly TimeSpan HashingWait = TimeSpan.FromSeconds(5);

    private static readonly SemaphoreSlim Hashing = new(Math.Max(1, Environment.ProcessorCount / 2));

    public async Task LoginAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, AccessApiJson.Written.LoginJson) is not { } body)
            return;
        if (string.IsNullOrEmpty(body.Username) || string.IsNullOrEmpty(body.Password))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", "username and password are required");
            return;
        }

        if (body.Username.Length > MaxUsernameLength)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"a username has at most {MaxUsernameLength} characters");
            return;
        }

        if (access.LoginLock.IsLocked(body.Username))
        {
            await ApiRequests.Error(context, StatusCodes.Status401Unauthorized, "LOGIN_LOCKED", "Login locked: too many wrong passwords, try again later");
            return;
        }

        // A password check is a slow hash by design, and this route needs no credentials: at most half the cores hash
        // logins at a time, so a flood of them cannot starve the broker.
        if (!await Hashing.WaitAsync(HashingWait, context.RequestAborted))
        {
            await ApiRequests.Error(context, StatusCodes.Status429TooManyRequests, "TOO_MANY_REQUESTS", "Too many logins at once: try again");
            return;
        }

        DashboardUser? user;
        try
        {
            user = access.Users.Verify(body.Username, body.Password);
        }
        finally
        {
            Hashing.Release();
        }

        if (user is null)
        {
            access.LoginLock.Failed(body.Username);
            await ApiRequests.Error(context, StatusCodes.Status401Unauthorized, "BAD_USERNAME_OR_PWD", "Auth failed");
            return;
        }

        access.LoginLock.Succeeded(body.Username);
        var token = await access.Tokens.IssueAsync(user, access.Dashboard.TokenExpiredTime.Value, access.Time.GetUtcNow());
        var isDefault = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(body.Password), Encoding.UTF8.GetBytes(access.Dashboard.DefaultPassword));
        await ManagementResponses.Json(context, StatusCodes.Status200OK,
            new LoginAnswerJson(token, BrokerVersion.Text, new LicenseJson("opensource"), user.Role, isDefault), AccessApiJson.Written.LoginAnswerJson);
    }

    public async Task LogoutAsync(HttpContext context)
    {
        var caller = ApiAccessMiddleware.Caller(context);
        var authorization = context.Request.Headers.Authorization.ToString();
        if (caller is not { Kind: ApiCallerKind.User } || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await ApiRequests.Error(context, StatusCodes.Status401Unauthorized, "WRONG_TOKEN_OR_USERNAME", "log out with the bearer token of the login");
            return;
        }

        // EMQX asks for the username too; a body without one logs out the token's owner.
        var body = context.Request.ContentLength is > 0 ? await ApiRequests.ReadBodyAsync(context, AccessApiJson.Written.LogoutJson) : new LogoutJson(null);
        if (body is null)
            return;
        if (body.Username is { } username && username != caller.Name)
        {
            await ApiRequests.Error(context, StatusCodes.Status401Unauthorized, "WRONG_TOKEN_OR_USERNAME", "Ensure your token & username");
            return;
        }

        await access.Tokens.RevokeAsync(authorization[7..].Trim());
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }
}
