using Broker.Core.Security.Protection;
using Broker.Host.Metrics;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Security;

/// <summary>Feeds the <see cref="OverloadGuard"/> the process's memory and the thread pool's queue, and logs each change.</summary>
public sealed partial class OverloadSampler : IDisposable
{
    private readonly OverloadGuard _guard;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    public OverloadSampler(OverloadGuard guard, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _guard = guard;
        _logger = logger;
        _time = time;
        _timer = time.CreateTimer(_ => Sample(), null, interval, interval);
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var reading = ResourceReading.Take(_time);
        var change = _guard.Sample(reading.MemoryUsed, reading.MemoryLimit, reading.RunQueue);
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
