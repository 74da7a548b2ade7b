using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// An OpenAPI 3 document of every <c>/api/v5</c> route, at <c>/api-docs</c>, <c>/api-docs/swagger.json</c> and
/// <c>/api-docs/openapi.json</c> (EMQX serves its own at /api-docs). Built at each request from the endpoints mapped
/// then, so every group <see cref="ApiRoutes"/> maps is in it without a list kept by hand: the path and its
/// parameters, the method, and the tags and summary a group gives with <c>WithTags</c>/<c>WithSummary</c>.
/// Microsoft.AspNetCore.OpenApi would describe only handlers with typed parameters; these routes take the
/// <see cref="HttpContext"/>, which it leaves out.
/// </summary>
internal static class ApiDocsRoutes
{
    private const string Prefix = "/api/v5";

    public static void Map(IEndpointRouteBuilder app)
    {
        var sources = app.DataSources;
        RequestDelegate document = context => WriteAsync(context, sources);
        app.MapGet("/api-docs", document).WithTags("Docs").WithSummary("This document");
        app.MapGet("/api-docs/swagger.json", document).WithTags("Docs").WithSummary("This document");
        app.MapGet("/api-docs/openapi.json", document).WithTags("Docs").WithSummary("This document");
    }

    private static async Task WriteAsync(HttpContext context, ICollection<EndpointDataSource> sources)
    {
        var operations = sources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith(Prefix, StringComparison.Ordinal) == true)
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (Path: OpenApiPath(endpoint), Method: method.ToLowerInvariant(), Endpoint: endpoint)))
            .GroupBy(operation => operation.Path, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal);

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("openapi", "3.0.3");
        writer.WriteStartObject("info");
        writer.WriteString("title", "Broker HTTP API (EMQX 5's shape)");
        writer.WriteString("version", "5");
        writer.WriteEndObject();
        writer.WriteStartObject("paths");
        foreach (var path in operations)
        {
            writer.WriteStartObject(path.Key);
            foreach (var (_, method, endpoint) in path.OrderBy(o => o.Method, StringComparer.Ordinal))
                WriteOperation(writer, method, endpoint);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static void WriteOperation(Utf8JsonWriter writer, string method, RouteEndpoint endpoint)
    {
        writer.WriteStartObject(method);
        if (endpoint.Metadata.GetMetadata<ITagsMetadata>() is { } tags)
        {
            writer.WriteStartArray("tags");
            foreach (var tag in tags.Tags)
                writer.WriteStringValue(tag);
            writer.WriteEndArray();
        }

        if (endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>() is { } summary)
            writer.WriteString("summary", summary.Summary);
        writer.WriteStartArray("parameters");
        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            writer.WriteStartObject();
            writer.WriteString("name", parameter.Name);
            writer.WriteString("in", "path");
            writer.WriteBoolean("required", true);
            writer.WriteStartObject("schema");
            writer.WriteString("type", "string");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("responses");
        writer.WriteStartObject("default");
        writer.WriteString("description", "JSON; errors as {\"code\", \"message\"}");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The route as OpenAPI writes a path: <c>{**topic}</c> (a catch-all) as <c>{topic}</c>.</summary>
    private static string OpenApiPath(RouteEndpoint endpoint) =>
        endpoint.RoutePattern.RawText!.Replace("{**", "{", StringComparison.Ordinal).Replace("{*", "{", StringComparison.Ordinal);
}
