namespace Broker.Core.Sessions;

/// <summary>
/// The routes of adopted sessions, written to every node in batches: one spread runs at a time, and the sessions
/// adopted while it runs go together in the next. A spread writes each route key its filters fall in to every node
/// (one distributed-data WriteAll per key), so the thousands of sessions a dead node leaves cost a few hundred writes
/// per batch (there are 256 keys) instead of one per session, with no wait added when they come one at a time.
/// A spread that did not reach every node in time (the replicators are busiest right then) is tried again with the
/// sessions that came meanwhile, up to <see cref="MaxAttempts"/> times; then its routes are left to gossip.
/// </summary>
internal sealed class AdoptedSpreads
{
    public const int MaxAttempts = 5;

    private List<SessionAdopted> _waiting = [];
    private bool _running;

    /// <summary>The batch to spread now (this session alone, when none runs), or null: it waits for the running one.</summary>
    public SpreadBatch? Add(SessionAdopted adopted)
    {
        ArgumentNullException.ThrowIfNull(adopted);
        if (_running)
        {
            _waiting.Add(adopted);
            return null;
        }

        _running = true;
        return new SpreadBatch([adopted], Attempt: 1);
    }

    /// <summary>
    /// The running spread is done, on every node or not (<paramref name="spread"/>): the sessions settled by it (their
    /// routes on every node, or given up on after <see cref="MaxAttempts"/>), and the batch to spread next, or null
    /// when none waits.
    /// </summary>
    public (IReadOnlyList<SessionAdopted> Settled, SpreadBatch? Next) Done(SpreadBatch batch, bool spread)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!spread && batch.Attempt < MaxAttempts)
        {
            var retried = new List<SessionAdopted>(batch.Sessions.Count + _waiting.Count);
            retried.AddRange(batch.Sessions);
            retried.AddRange(_waiting);
            _waiting = [];
            return ([], new SpreadBatch(retried, batch.Attempt + 1));
        }

        if (_waiting.Count == 0)
        {
            _running = false;
            return (batch.Sessions, null);
        }

        var next = new SpreadBatch(_waiting, Attempt: 1);
        _waiting = [];
        return (batch.Sessions, next);
    }
}

/// <summary>Adopted sessions whose routes are spread together, on their <paramref name="Attempt"/>th try.</summary>
internal sealed record SpreadBatch(IReadOnlyList<SessionAdopted> Sessions, int Attempt)
{
    /// <summary>The filters of the batch, each once: a spread writes a filter's whole key, so one filter per key would do too.</summary>
    public IReadOnlyList<string> Filters => [.. Sessions.SelectMany(adopted => adopted.Filters).Distinct(StringComparer.Ordinal)];
}
