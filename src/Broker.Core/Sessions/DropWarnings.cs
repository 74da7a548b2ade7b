using Broker.Core.Messaging;

namespace Broker.Core.Sessions;

/// <summary>
/// The drops of one session not yet reported in the log. The first drop is reported at once; later ones at most
/// once per <see cref="IntervalMs"/>, as one line with a count per reason, so that a subscriber losing thousands of
/// messages a second is visible without flooding the log. A field of <see cref="SessionState"/>: a session that never
/// drops anything pays for a null reference.
/// </summary>
internal struct DropWarnings
{
    public const long IntervalMs = 10_000;

    private int[]? _counts;
    private long _nextReportMs;

    public readonly bool HasPending => _counts is not null;

    /// <summary>When <see cref="Take"/> next reports; null while nothing waits.</summary>
    public readonly long? NextReportMs => HasPending ? _nextReportMs : null;

    public void Count(DropReason reason) => (_counts ??= new int[DropReasons.All.Count])[(int)reason]++;

    /// <summary>What was dropped since the last report, when one is due (always when <paramref name="final"/>); null otherwise.</summary>
    public string? Take(long nowMs, bool final)
    {
        if (_counts is not { } counts || (nowMs < _nextReportMs && !final))
        {
            return null;
        }

        _counts = null;
        _nextReportMs = nowMs + IntervalMs;
        return string.Join(", ", DropReasons.All.Where(r => counts[(int)r] > 0).Select(r => $"{counts[(int)r]} {r.MetricName()}"));
    }
}
