using Broker.Core.Security.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Broker.Host.Management;

/// <summary>
/// Checks the credentials of every request under <c>/api/v5</c> before its route runs, on each endpoint that serves the
/// API (the dashboard listener and the management endpoint), so a route group added later is guarded without doing
/// anything. Open, as EMQX's: <c>POST /api/v5/login</c>, and <c>/api/v5/prometheus/stats</c> unless
/// <c>prometheus.enable_basic_auth</c>. Everything outside <c>/api/v5</c> is left alone: <c>/status</c>, the probes
/// <c>/alive</c> and <c>/ready</c>, the dashboard's files, and the management endpoint's <c>/cluster/members</c>
/// (Akka Management's shape, which has no credentials either: that endpoint listens on loopback by default).
/// <para>
/// Then what the caller may do: API keys neither manage dashboard users nor API keys nor log out (EMQX's
/// API_KEY_NOT_ALLOW, so a leaked key cannot make itself a user or more keys); a viewer only reads, logs itself out
/// and changes its own password.
/// </para>
/// </summary>
internal static class ApiAccessMiddleware
{
    public const string ApiPrefix = "/api/v5";

    private const string CallerItem = "broker.api.caller";

    public static void Use(IApplicationBuilder app, ApiAccess access)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (!request.Path.StartsWithSegments(ApiPrefix) || IsOpen(request, access))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            var (caller, refusal) = access.Authenticate(request.Headers.Authorization);
            refusal ??= Forbidden(request, caller!);
            if (refusal is not null)
            {
                if (refusal.Status == StatusCodes.Status401Unauthorized)
                {
                    context.Response.Headers.WWWAuthenticate = "Basic realm=\"broker\"";
                }

                await ApiRequests.Error(context, refusal.Status, refusal.Code, refusal.Message).ConfigureAwait(false);
                return;
            }

            context.Items[CallerItem] = caller;
            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>The caller the credentials named; set on every /api/v5 request that needs them.</summary>
    public static ApiCaller? Caller(HttpContext context) => context.Items.TryGetValue(CallerItem, out var caller) ? caller as ApiCaller : null;

    private static bool IsOpen(HttpRequest request, ApiAccess access) =>
        (request.Path.Equals(LoginRoutes.LoginPath, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(request.Method))
        || (access.PrometheusOpen && request.Path.Equals(PrometheusRoutes.Path, StringComparison.OrdinalIgnoreCase));

    private static ApiRefusal? Forbidden(HttpRequest request, ApiCaller caller)
    {
        if (caller.Kind == ApiCallerKind.ApiKey && (IsUnder(request, LoginRoutes.LogoutPath) || IsUnder(request, DashboardUserRoutes.Path) || IsUnder(request, ApiKeyRoutes.Path)))
        {
            return ApiRefusal.ApiKeyNotAllowed;
        }

        if (caller.Role == AdminRole.Administrator || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return null;
        }

        var ownPassword = caller.Kind == ApiCallerKind.User
            && request.Path.Equals($"{DashboardUserRoutes.Path}/{caller.Name}/change_pwd", StringComparison.Ordinal);
        return (IsUnder(request, LoginRoutes.LogoutPath) && caller.Kind == ApiCallerKind.User) || ownPassword ? null : ApiRefusal.ViewerOnlyReads;
    }

    private static bool IsUnder(HttpRequest request, string path) => request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase);
}
