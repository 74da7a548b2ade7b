namespace Broker.Host.Bench;

/// <summary>A finished run's summary, or why the broker could not be reached at all (then there is no summary).</summary>
public sealed record BenchOutcome(BenchSummary? Summary, string? Unreachable);
