namespace Broker.Host.Persistence;

/// <summary>
/// How long a start waits for a PostgreSQL server that is still coming up (a container started beside the
/// broker): transient failures are retried after each delay in turn, then the start fails.
/// </summary>
public sealed record StartupRetry(IReadOnlyList<TimeSpan> Delays)
{
    /// <summary>Four retries over about four seconds: 0.25, 0.5, 1 and 2 s.</summary>
    public static readonly StartupRetry Default = new([
        TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)]);

    public static readonly StartupRetry None = new([]);
}
