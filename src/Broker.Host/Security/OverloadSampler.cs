using Broker.Core.Security.Protection;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Security;

/// <summary>Feeds the <see cref="OverloadGuard"/> the process's memory and the thread pool's queue, and logs each change.</summary>
public sealed partial class OverloadSampler : IDisposable
{
    private readonly OverloadGuard _guard;
    private readonly ILogger _logger;
    private readonly ITimer _timer;

    public OverloadSampler(OverloadGuard guard, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _guard = guard;
        _logger = logger;
        _timer = time.CreateTimer(_ => Sample(), null, interval, interval);
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        // TotalAvailableMemoryBytes is the container's limit when there is one, so a pod is measured against its own.
        var change = _guard.Sample(Environment.WorkingSet, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, ThreadPool.PendingWorkItemCount);
        if (change?.Now is { } overload)
        {
            LogOverloaded(_logger, overload.Cause, (int)overload.Code);
        }
        else if (change is not null)
        {
            LogRecovered(_logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Overloaded: new connections are refused (CONNACK 0x{Code:X2}): {Cause}")]
    private static partial void LogOverloaded(ILogger logger, string cause, int code);

    [LoggerMessage(Level = LogLevel.Information, Message = "No longer overloaded: new connections are taken again")]
    private static partial void LogRecovered(ILogger logger);
}
