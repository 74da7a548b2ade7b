namespace Broker.Host.Bench;

/// <summary>
/// What went wrong during a run, for the summary's <c>errors</c>: each distinct message once with its count (19,000
/// refused connections are one line), at most <see cref="MaxDistinct"/> of them. Thread-safe.
/// </summary>
public sealed class BenchErrors
{
    public const int MaxDistinct = 20;

    private readonly Dictionary<string, int> _counts = [];
    private readonly List<string> _order = [];
    private int _dropped;

    public void Add(string message)
    {
        lock (_counts)
        {
            if (_counts.TryGetValue(message, out var count))
            {
                _counts[message] = count + 1;
            }
            else if (_order.Count < MaxDistinct)
            {
                _counts[message] = 1;
                _order.Add(message);
            }
            else
            {
                _dropped++;
            }
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_counts)
        {
            var lines = _order.Select(m => _counts[m] == 1 ? m : $"{m} (x{_counts[m]})").ToList();
            if (_dropped > 0)
                lines.Add($"{_dropped} more errors of other kinds");
            return lines;
        }
    }
}
