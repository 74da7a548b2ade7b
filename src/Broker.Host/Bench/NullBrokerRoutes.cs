namespace Broker.Host.Bench;

/// <summary>
/// The null broker's subscriptions: exact filters in a dictionary (one lookup per PUBLISH, as in the pair scenario),
/// wildcard filters in a list matched one by one (<see cref="TopicFilter.Matches"/>). Thread-safe: subscribers
/// join while publishers publish.
/// </summary>
public sealed class NullBrokerRoutes<T>
    where T : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, T[]> _exact = new(StringComparer.Ordinal);
    private (string Filter, T Subscriber)[] _wildcards = [];

    public void Add(string filter, T subscriber)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            if (filter.Contains('+', StringComparison.Ordinal) || filter.Contains('#', StringComparison.Ordinal))
                _wildcards = [.. _wildcards, (filter, subscriber)];
            else
                _exact[filter] = _exact.TryGetValue(filter, out var those) ? [.. those, subscriber] : [subscriber];
        }
    }

    /// <summary>Removes every subscription of <paramref name="subscriber"/> (it disconnected).</summary>
    public void RemoveAll(T subscriber)
    {
        lock (_gate)
        {
            foreach (var (filter, those) in _exact.ToList())
            {
                var left = those.Where(s => s != subscriber).ToArray();
                if (left.Length == 0)
                    _exact.Remove(filter);
                else
                    _exact[filter] = left;
            }
            _wildcards = _wildcards.Where(w => w.Subscriber != subscriber).ToArray();
        }
    }

    /// <summary>Adds to <paramref name="into"/> each subscriber with a filter matching <paramref name="topic"/>, once per matching filter.</summary>
    public void Match(string topic, List<T> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        T[]? exact;
        (string Filter, T Subscriber)[] wildcards;
        lock (_gate)
        {
            _exact.TryGetValue(topic, out exact);
            wildcards = _wildcards;
        }
        if (exact is not null)
            into.AddRange(exact);
        foreach (var (filter, subscriber) in wildcards)
        {
            if (TopicFilter.Matches(filter, topic))
                into.Add(subscriber);
        }
    }
}
