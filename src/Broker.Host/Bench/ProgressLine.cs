using System.Globalization;

namespace Broker.Host.Bench;

/// <summary>What the progress line shows, once per --progress on stderr; rates are over the last interval.</summary>
public readonly record struct ProgressLine(TimeSpan Elapsed, double SentPerSecond, double ReceivedPerSecond, int Connections, long P99Microseconds)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"[{Elapsed.TotalSeconds,6:0.0}s] sent/s {SentPerSecond,10:0} recv/s {ReceivedPerSecond,10:0} conns {Connections,6} p99 {P99Microseconds} us");
}
