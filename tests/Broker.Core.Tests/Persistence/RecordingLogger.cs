using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Tests.Persistence;

/// <summary>Keeps every log line, formatted, for tests that check what was reported.</summary>
internal sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Lines.Enqueue((logLevel, formatter(state, exception)));
        lock (Lines)
        {
            Monitor.PulseAll(Lines);
        }
    }

    /// <summary>
    /// Waits for a line that <paramref name="match"/> accepts: a failure is logged by a continuation of the failed
    /// write, which nothing orders before the caller's own continuation of it.
    /// </summary>
    public bool WaitFor(Func<(LogLevel Level, string Message), bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (Lines)
        {
            while (!Lines.Any(match))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                Monitor.Wait(Lines, left);
            }

            return true;
        }
    }
}
