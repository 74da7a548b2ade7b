using Broker.Host.Tracing;

namespace Broker.Host.Management.Views;

/// <summary>
/// This node's part of the cluster's traces (<see cref="TraceRoutes"/> asks every node through <see cref="NodeAnswers"/>):
/// its traces as the API shows them, with this node's log size alone, and its log read a part at a time.
/// </summary>
internal sealed class NodeTraces(PacketTracing tracing, string nodeName)
{
    public TraceJson[] List()
    {
        var now = tracing.Now;
        return [.. tracing.List().Select(t => ToJson(t, now))];
    }

    public TraceCreatedJson Create(NewTraceJson asked)
    {
        var filter = asked.Type switch
        {
            "clientid" => asked.Clientid,
            "topic" => asked.Topic,
            "ip_address" => asked.IpAddress,
            _ => null,
        };
        var (trace, code, message) = tracing.Create(asked.Name, asked.Type, filter, asked.StartAt, asked.EndAt);
        return new TraceCreatedJson(trace is null ? null : ToJson(trace, tracing.Now), code, message);
    }

    /// <summary>The trace, stopped; null when this node has no such trace.</summary>
    public TraceJson? Stop(string name) =>
        tracing.Stop(name) && tracing.Find(name) is { } trace ? ToJson(trace, tracing.Now) : null;

    public bool Delete(string name) => tracing.Delete(name);

    /// <summary>At most <see cref="TraceLogQueryJson.Bytes"/> of the log from its position (the end, when beyond it).</summary>
    public async Task<TraceLogPartJson> ReadAsync(TraceLogQueryJson asked, CancellationToken cancellationToken)
    {
        if (tracing.Find(asked.Name) is not { } trace)
            return new TraceLogPartJson(false, 0, 0, []);
        FileStream log;
        try
        {
            // The trace writes on while it is read: shared both ways.
            log = new FileStream(trace.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return new TraceLogPartJson(false, 0, 0, []); // deleted since it was found
        }

        await using var _ = log;
        var size = log.Length;
        var from = Math.Min(asked.Position, size);
        var data = new byte[(int)Math.Clamp(size - from, 0, asked.Bytes)];
        log.Position = from;
        await log.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
        return new TraceLogPartJson(true, from, size, data);
    }

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
