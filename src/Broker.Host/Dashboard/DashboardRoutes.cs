using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Broker.Host.Dashboard;

/// <summary>
/// The dashboard, a single-page application of plain modules (<see cref="DashboardAssets"/>), on the endpoint that
/// serves the API it calls:
/// <code>
///   GET /                    index.html
///   GET /assets/{path}       its scripts, styles and images
/// </code>
/// Its pages are hash routes (<c>/#/clients</c>): the browser never asks the server for them, so no fallback route
/// can shadow <c>/api/v5</c> or <c>/status</c>. Every answer is revalidated by its ETag (no-cache), so a new broker's
/// files are seen at the next load, and carries a Content-Security-Policy that allows nothing but this origin: no
/// inline script or style, no frame, no other host.
/// </summary>
internal static class DashboardRoutes
{
    public const string AssetsPath = "/assets";

    /// <summary>
    /// 'self' only. Styles set through the CSSOM (element.style) are not inline styles in CSP's sense, so the chart
    /// module may size its canvas without 'unsafe-inline'.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static void Map(IEndpointRouteBuilder app) => Map(app, DashboardAssets.Embedded);

    internal static void Map(IEndpointRouteBuilder app, DashboardAssets assets)
    {
        var index = assets.Find("index.html") ?? throw new InvalidOperationException("the dashboard's index.html is not embedded in the broker");
        app.MapMethods("/", GetOrHead, context => ServeAsync(context, index));
        app.MapMethods("/index.html", GetOrHead, context => ServeAsync(context, index));
        app.MapMethods(AssetsPath + "/{**path}", GetOrHead, context =>
        {
            var path = (string?)context.Request.RouteValues["path"] ?? "";
            return assets.Find(path) is { } asset && asset != index
                ? ServeAsync(context, asset)
                : NotFoundAsync(context, path);
        });
    }

    private static Task ServeAsync(HttpContext context, DashboardAsset asset)
    {
        var response = context.Response;
        SecurityHeaders(response.Headers);
        response.Headers.ETag = asset.ETag;
        response.Headers.CacheControl = "no-cache";
        if (IsCurrent(context.Request.Headers.IfNoneMatch, asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(asset.Content, context.RequestAborted).AsTask();
    }

    private static Task NotFoundAsync(HttpContext context, string path)
    {
        SecurityHeaders(context.Response.Headers);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"no dashboard asset {path}", context.RequestAborted);
    }

    private static void SecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
    }

    private static bool IsCurrent(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag) =>
        EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)
        && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Equals(etag, StringComparison.Ordinal));
}
