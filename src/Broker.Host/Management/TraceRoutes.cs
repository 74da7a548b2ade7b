using System.Globalization;
using System.IO.Compression;
using Broker.Host.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// Traces, in EMQX 5's API (this node's: see <see cref="PacketTracing"/>):
/// <code>
///   POST   /api/v5/trace                    {"name","type":"clientid|topic|ip_address","clientid"|"topic"|"ip_address","start_at","end_at"}
///   GET    /api/v5/trace                    every trace with its status (waiting, running, stopped) and log size
///   DELETE /api/v5/trace/{name}             204; the file goes too
///   PUT    /api/v5/trace/{name}/stop        the trace, stopped
///   GET    /api/v5/trace/{name}/download    a zip of its log file
///   GET    /api/v5/trace/{name}/log?bytes=&amp;position=   {"items": text, "meta": {"position": next, "bytes"}}
/// </code>
/// </summary>
internal sealed class TraceRoutes(PacketTracing tracing, string nodeName)
{
    public const string Path = "/api/v5/trace";

    private const int DefaultLogBytes = 1000;
    private const int MaxLogBytes = 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app, PacketTracing tracing, string nodeName)
    {
        var routes = new TraceRoutes(tracing, nodeName);
        app.MapGet(Path, routes.ListAsync).WithTags("Trace").WithSummary("The node's traces");
        app.MapPost(Path, routes.CreateAsync).WithTags("Trace").WithSummary("Starts a trace of a client id, topic or address");
        app.MapDelete(Path + "/{name}", routes.DeleteAsync).WithTags("Trace").WithSummary("Deletes a trace and its log");
        app.MapPut(Path + "/{name}/stop", routes.StopAsync).WithTags("Trace").WithSummary("Stops a trace");
        app.MapGet(Path + "/{name}/download", routes.DownloadAsync).WithTags("Trace").WithSummary("The trace's log, zipped");
        app.MapGet(Path + "/{name}/log", routes.LogAsync).WithTags("Trace").WithSummary("A part of the trace's log");
    }

    public Task ListAsync(HttpContext context)
    {
        var now = tracing.Now;
        return ManagementResponses.Json(context, StatusCodes.Status200OK, tracing.List().Select(t => ToJson(t, now)).ToList(), OperationsApiJson.Written.ListTraceJson);
    }

    public async Task CreateAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, OperationsApiJson.Written.NewTraceJson) is not { } body)
            return;
        var filter = body.Type switch
        {
            "clientid" => body.Clientid,
            "topic" => body.Topic,
            "ip_address" => body.IpAddress,
            _ => null,
        };
        var (trace, code, message) = tracing.Create(body.Name, body.Type, filter, body.StartAt, body.EndAt);
        if (trace is null)
        {
            var status = code is "ALREADY_EXISTS" or "DUPLICATE_CONDITION" ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            await ApiRequests.Error(context, status, code!, message!);
            return;
        }

        await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(trace, tracing.Now), OperationsApiJson.Written.TraceJson);
    }

    public async Task DeleteAsync(HttpContext context)
    {
        if (tracing.Delete(Name(context)))
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        else
            await NotFound(context);
    }

    public async Task StopAsync(HttpContext context)
    {
        var name = Name(context);
        if (!tracing.Stop(name) || tracing.Find(name) is not { } trace)
        {
            await NotFound(context);
            return;
        }

        await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(trace, tracing.Now), OperationsApiJson.Written.TraceJson);
    }

    public async Task DownloadAsync(HttpContext context)
    {
        if (tracing.Find(Name(context)) is not { } trace)
        {
            await NotFound(context);
            return;
        }

        using var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry($"trace_{trace.Name}.log", CompressionLevel.Fastest);
            await using var target = await entry.OpenAsync(context.RequestAborted);
            await using var log = OpenLog(trace);
            await log.CopyToAsync(target, context.RequestAborted);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-zip";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{trace.Name}.zip\"";
        zipped.Position = 0;
        await zipped.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async Task LogAsync(HttpContext context)
    {
        if (tracing.Find(Name(context)) is not { } trace)
        {
            await NotFound(context);
            return;
        }

        var bytes = Number(context.Request.Query["bytes"], DefaultLogBytes);
        var position = Number(context.Request.Query["position"], 0);
        if (bytes is not (>= 1 and <= MaxLogBytes) || position is not >= 0)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "INVALID_PARAMETER", $"bytes must be 1 to {MaxLogBytes}, position 0 or more");
            return;
        }

        await using var log = OpenLog(trace);
        var buffer = new byte[(int)Math.Clamp(log.Length - position.Value, 0, bytes.Value)];
        log.Position = Math.Min(position.Value, log.Length);
        await log.ReadExactlyAsync(buffer, context.RequestAborted);
        var text = System.Text.Encoding.UTF8.GetString(buffer);
        await ManagementResponses.Json(context, StatusCodes.Status200OK,
            new TraceLogJson(text, new TraceLogMetaJson(log.Position, bytes.Value)), OperationsApiJson.Written.TraceLogJson);
    }

    // The trace writes on while it is read: shared both ways.
    private static FileStream OpenLog(PacketTrace trace) =>
        new(trace.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    private static string Name(HttpContext context) => (string)context.Request.RouteValues["name"]!;

    private static Task NotFound(HttpContext context) =>
        ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND", $"{Name(context)} NOT FOUND");

    private static long? Number(string? text, long absent) =>
        string.IsNullOrEmpty(text) ? absent
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : null;

    private TraceJson ToJson(PacketTrace trace, DateTimeOffset now) => new(
        trace.Name,
        TraceTypeNames.Format(trace.Type),
        trace.Type == TraceType.ClientId ? trace.Filter : null,
        trace.Type == TraceType.Topic ? trace.Filter : null,
        trace.Type == TraceType.IpAddress ? trace.Filter : null,
        trace.StartAt,
        trace.EndAt,
        trace.Status(now),
        new Dictionary<string, long> { [nodeName] = trace.LogSize });
}
