using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Broker.Benchmarks;

internal static class BenchmarkConfig
{
    /// <summary>
    /// A short but honest run: 3 warmup and 10 measured iterations in one process per benchmark. Each
    /// iteration still lasts long enough for the timer (the pilot stage picks the operation count), so
    /// the figures are sound; only the confidence interval is wider than the default job's.
    /// </summary>
    public static readonly Job Quick = Job.Default
        .WithId("Quick")
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(10);

    /// <summary>
    /// The quick job, unless the command line names a job (<c>--job default</c> for the full run), and an
    /// Op/s column so that the figures read directly as a throughput ceiling.
    /// </summary>
    public static IConfig For(string[] args)
    {
        var config = DefaultConfig.Instance.AddColumn(StatisticColumn.OperationsPerSecond);
        return args.Any(a => a == "-j" || a.StartsWith("--job", StringComparison.Ordinal)) ? config : config.AddJob(Quick);
    }
}
