using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Broker.Host.Management.Views;
using Broker.Host.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// Traces, in EMQX 5's API, on every node of the cluster (a client may be connected to any):
/// <code>
///   POST   /api/v5/trace                    {"name","type":"clientid|topic|ip_address","clientid"|"topic"|"ip_address","start_at","end_at"}
///   GET    /api/v5/trace                    every trace once, with its status (waiting, running, stopped) and log_size by node
///   DELETE /api/v5/trace/{name}             204; the files go too
///   PUT    /api/v5/trace/{name}/stop        the trace, stopped
///   GET    /api/v5/trace/{name}/download    a zip of every node's log, one entry each: {node}-trace_{name}.log
///   GET    /api/v5/trace/{name}/log?node=&amp;bytes=&amp;position=   one node's log (this one's by default), a part:
///                                         {"items": text, "meta": {"position": next, "bytes"}}
/// </code>
/// Each node runs its own copy (<see cref="PacketTracing"/>, through <see cref="NodeAnswers"/>' trace kinds), with the
/// start and end this node fixed. A trace is made on every Up node or on none: when one node refuses or does not
/// answer, those that made it delete it again and the answer is the refusal (or 500 NODE_DOWN), so a retry starts
/// clean. (EMQX keeps one replicated row that every node follows; a trace here lives in each node's memory.) A node
/// that joins later has none of the running traces; a list or download leaves out a node that does not answer, as
/// EMQX's; a stop or delete that one did not get answers 500 NODE_DOWN, the others done.
/// </summary>
internal sealed class TraceRoutes(ClusterView view, PacketTracing tracing, string nodeName)
{
    public const string Path = "/api/v5/trace";

    private const int DefaultLogBytes = 1000;
    private const int MaxLogBytes = 1024 * 1024;

    /// <summary>
    /// What a download asks a node for at once: a log (at most <see cref="PacketTracing.MaxFileBytes"/>) comes in parts,
    /// each well under the remoting frame once chunked, and never whole in memory.
    /// </summary>
    private const int DownloadPartBytes = 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app, BrokerRuntime runtime)
    {
        var routes = new TraceRoutes(new ClusterView(runtime), runtime.Tracing, runtime.NodeName);
        app.MapGet(Path, routes.ListAsync).WithTags("Trace").WithSummary("The cluster's traces, log_size by node");
        app.MapPost(Path, routes.CreateAsync).WithTags("Trace").WithSummary("Starts a trace of a client id, topic or address on every node");
        app.MapDelete(Path + "/{name}", routes.DeleteAsync).WithTags("Trace").WithSummary("Deletes a trace and its logs on every node");
        app.MapPut(Path + "/{name}/stop", routes.StopAsync).WithTags("Trace").WithSummary("Stops a trace on every node");
        app.MapGet(Path + "/{name}/download", routes.DownloadAsync).WithTags("Trace").WithSummary("Every node's log of the trace, zipped");
        app.MapGet(Path + "/{name}/log", routes.LogAsync).WithTags("Trace").WithSummary("A part of one node's log of the trace");
    }

    public async Task ListAsync(HttpContext context)
    {
        var answers = await view.AskAllAsync(NodeAnswers.TraceList, [], context.RequestAborted);
        var traces = Merge(answers.Where(a => a.Answered).SelectMany(a => JsonSerializer.Deserialize(a.Body, OperationsApiJson.Written.TraceJsonArray) ?? []))
            .OrderByDescending(t => t.StartAt).ToList();
        await ManagementResponses.Json(context, StatusCodes.Status200OK, traces, OperationsApiJson.Written.ListTraceJson);
    }

    public async Task CreateAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, OperationsApiJson.Written.NewTraceJson) is not { } body)
            return;
        // Fixed here, so that every node has the same start and end.
        var start = body.StartAt ?? tracing.Now;
        body = body with { StartAt = start, EndAt = body.EndAt ?? start + PacketTracing.DefaultDuration };
        var answers = await view.AskAllAsync(NodeAnswers.TraceCreate, JsonSerializer.SerializeToUtf8Bytes(body, OperationsApiJson.Written.NewTraceJson), context.RequestAborted);
        var results = answers.Select(a => (a.Node, Answer: a, Created: a.Answered ? JsonSerializer.Deserialize(a.Body, OperationsApiJson.Written.TraceCreatedJson) : null)).ToList();
        if (results.All(r => r.Created?.Trace is not null))
        {
            await ManagementResponses.Json(context, StatusCodes.Status200OK, Merge(results.Select(r => r.Created!.Trace!)).Single(), OperationsApiJson.Written.TraceJson);
            return;
        }

        // Made on every node or on none: a half-made trace would list without some nodes' logs and refuse a retry.
        await Task.WhenAll(results.Where(r => r.Created?.Trace is not null)
            .Select(r => view.AskAsync(r.Node, NodeAnswers.TraceDelete, Encoding.UTF8.GetBytes(body.Name!), context.RequestAborted)));
        if (results.FirstOrDefault(r => r.Created is { Trace: null }).Created is { } refused)
        {
            var status = refused.Code is "ALREADY_EXISTS" or "DUPLICATE_CONDITION" ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            await ApiRequests.Error(context, status, refused.Code!, refused.Message!);
            return;
        }

        await ClusterView.NodeDown(context, results.First(r => !r.Answer.Answered).Answer);
    }

    public async Task DeleteAsync(HttpContext context)
    {
        var answers = await view.AskAllAsync(NodeAnswers.TraceDelete, Encoding.UTF8.GetBytes(Name(context)), context.RequestAborted);
        if (answers.FirstOrDefault(a => !a.Answered) is { } down)
            await ClusterView.NodeDown(context, down);
        else if (answers.Any(a => JsonSerializer.Deserialize(a.Body, ViewJson.Written.Boolean)))
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        else
            await NotFound(context);
    }

    public async Task StopAsync(HttpContext context)
    {
        var answers = await view.AskAllAsync(NodeAnswers.TraceStop, Encoding.UTF8.GetBytes(Name(context)), context.RequestAborted);
        if (answers.FirstOrDefault(a => !a.Answered) is { } down)
        {
            await ClusterView.NodeDown(context, down);
            return;
        }

        var stopped = Merge(answers.Select(a => JsonSerializer.Deserialize(a.Body, OperationsApiJson.Written.TraceJson)).OfType<TraceJson>()).SingleOrDefault();
        if (stopped is null)
            await NotFound(context);
        else
            await ManagementResponses.Json(context, StatusCodes.Status200OK, stopped, OperationsApiJson.Written.TraceJson);
    }

    /// <summary>
    /// Every node's log, one zip entry each (EMQX's naming, <c>{node}-trace_{name}.log</c>), put together in a temporary
    /// file that goes once sent: a log may be 64 MB on each node. A node that does not answer is left out, as EMQX does;
    /// one that stops answering half way ends its entry with a line that says so.
    /// </summary>
    public async Task DownloadAsync(HttpContext context)
    {
        var name = Name(context);
        await using var zipped = new FileStream(
            System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"broker-trace-{Guid.NewGuid():N}.zip"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var found = false;
        await using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var node in view.Nodes())
                found |= await AddLogAsync(zip, node, name, context.RequestAborted);
        }

        if (!found)
        {
            await NotFound(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-zip";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}.zip\"";
        context.Response.ContentLength = zipped.Length;
        zipped.Position = 0;
        await zipped.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async Task LogAsync(HttpContext context)
    {
        var bytes = Number(context.Request.Query["bytes"], DefaultLogBytes);
        var position = Number(context.Request.Query["position"], 0);
        if (bytes is not (>= 1 and <= MaxLogBytes) || position is not >= 0)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "INVALID_PARAMETER", $"bytes must be 1 to {MaxLogBytes}, position 0 or more");
            return;
        }

        var node = context.Request.Query["node"].ToString() is { Length: > 0 } asked ? asked : nodeName;
        if (!view.Nodes().Contains(node, StringComparer.Ordinal))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "NODE_ERROR", $"Node not found: {node} (nodes: {string.Join(", ", view.Nodes())})");
            return;
        }

        var answer = await view.AskAsync(node, NodeAnswers.TraceLog,
            JsonSerializer.SerializeToUtf8Bytes(new TraceLogQueryJson(Name(context), position.Value, (int)bytes.Value), OperationsApiJson.Written.TraceLogQueryJson),
            context.RequestAborted);
        if (!answer.Answered)
        {
            await ClusterView.NodeDown(context, answer);
            return;
        }

        var part = JsonSerializer.Deserialize(answer.Body, OperationsApiJson.Written.TraceLogPartJson)!;
        if (!part.Found)
        {
            await NotFound(context);
            return;
        }

        await ManagementResponses.Json(context, StatusCodes.Status200OK,
            new TraceLogJson(Encoding.UTF8.GetString(part.Data), new TraceLogMetaJson(part.Position + part.Data.Length, bytes.Value)), OperationsApiJson.Written.TraceLogJson);
    }

    /// <summary>One node's log as an entry of the zip, part after part up to its size when the first part came; false when the node has no such trace.</summary>
    private async Task<bool> AddLogAsync(ZipArchive zip, string node, string name, CancellationToken cancellationToken)
    {
        var part = await ReadPartAsync(node, name, 0, cancellationToken);
        if (part is not { Found: true })
            return false;
        var entry = zip.CreateEntry($"{node}-trace_{name}.log", CompressionLevel.Fastest);
        await using var target = await entry.OpenAsync(cancellationToken);
        var end = Math.Min(part.Size, PacketTracing.MaxFileBytes);
        // Bounded: the parts cover at most MaxFileBytes, one more to find a file cut short.
        for (var i = 0; i <= PacketTracing.MaxFileBytes / DownloadPartBytes && part is { Found: true, Data.Length: > 0 }; i++)
        {
            await target.WriteAsync(part.Data, cancellationToken);
            var next = part.Position + part.Data.Length;
            if (next >= end)
                return true;
            part = await ReadPartAsync(node, name, next, cancellationToken);
            if (part is null)
            {
                await target.WriteAsync(Encoding.UTF8.GetBytes($"\n[the log of {node} ends here: the node stopped answering at byte {next}]\n"), cancellationToken);
                return true;
            }
        }

        return true;
    }

    /// <summary>A part of a node's log, or null when the node did not answer.</summary>
    private async Task<TraceLogPartJson?> ReadPartAsync(string node, string name, long position, CancellationToken cancellationToken)
    {
        var answer = await view.AskAsync(node, NodeAnswers.TraceLog,
            JsonSerializer.SerializeToUtf8Bytes(new TraceLogQueryJson(name, position, DownloadPartBytes), OperationsApiJson.Written.TraceLogQueryJson), cancellationToken);
        return answer.Answered ? JsonSerializer.Deserialize(answer.Body, OperationsApiJson.Written.TraceLogPartJson) : null;
    }

    /// <summary>Each trace once, as the first node gave it, with every node's log size.</summary>
    private static IEnumerable<TraceJson> Merge(IEnumerable<TraceJson> perNode) =>
        perNode.GroupBy(t => t.Name, StringComparer.Ordinal).Select(same => same.First() with
        {
            LogSize = same.SelectMany(t => t.LogSize).GroupBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.First().Value, StringComparer.Ordinal),
        });

    private static string Name(HttpContext context) => (string)context.Request.RouteValues["name"]!;

    private static Task NotFound(HttpContext context) =>
        ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND", $"{Name(context)} NOT FOUND");

    private static long? Number(string? text, long absent) =>
        string.IsNullOrEmpty(text) ? absent
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : null;
}
