using Broker.Mqtt;

namespace Broker.Core.Security.Protection;

/// <summary>
/// Overload protection (EMQX's <c>overload_protection</c>): from the samples it is given, whether the node takes new
/// connections. Above the memory watermark a CONNECT is refused with 0x97 Quota exceeded, above the run-queue one with
/// 0x89 Server busy (3.x: return code 3, server unavailable); connected clients are left alone, so that the node sheds
/// the load it could not take instead of failing the load it has. Read by every CONNECT, written by one sampler.
/// </summary>
public sealed class OverloadGuard
{
    private readonly OverloadSettings _settings;
    private volatile Overload? _current;

    public OverloadGuard(OverloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
    }

    /// <summary>Why new connections are refused now; null while they are taken.</summary>
    public Overload? Current => _current;

    /// <summary>Takes a sample; returns the state when it changed (entering, leaving or changing cause), null otherwise.</summary>
    /// <param name="memoryUsed">Bytes in use by the process.</param>
    /// <param name="memoryLimit">Bytes it may use (the container's limit, or the machine's memory).</param>
    /// <param name="runQueue">Work items waiting for a pool thread.</param>
    public OverloadChange? Sample(long memoryUsed, long memoryLimit, long runQueue)
    {
        var share = memoryLimit > 0 ? (double)memoryUsed / memoryLimit : 0;
        Overload? next =
            share > _settings.MemoryHighWatermark
                ? new Overload(ReasonCode.QuotaExceeded, $"memory at {share:P0} of {memoryLimit / (1024 * 1024)} MB, above the {_settings.MemoryHighWatermark:P0} watermark")
            : runQueue > _settings.RunQueueHighWatermark
                ? new Overload(ReasonCode.ServerBusy, $"{runQueue} work items waiting for a thread, above the watermark of {_settings.RunQueueHighWatermark}")
            : null;
        var previous = _current;
        _current = next;
        return previous?.Code == next?.Code ? null : new OverloadChange(previous, next);
    }
}
