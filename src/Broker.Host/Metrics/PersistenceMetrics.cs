using Broker.Actors.Persistence;
using Broker.Host.Persistence;
using Prometheus;

namespace Broker.Host.Metrics;

/// <summary>
/// The storage's group commit (<see cref="JournalStatistics"/>, <see cref="DurableStateStatistics"/>), by store: the
/// journal (sessions) and the state store (retained messages, security records). None with durability <c>none</c>. A
/// commit's mean latency over a range is <c>rate(emqx_persistence_commit_seconds)</c> over <c>rate(emqx_persistence_commits)</c>.
/// </summary>
internal sealed class PersistenceMetrics
{
    private readonly BrokerPersistence _persistence;
    private readonly Store _journal;
    private readonly Store _state;

    public PersistenceMetrics(IMetricFactory factory, BrokerPersistence persistence)
    {
        _persistence = persistence;
        string[] labels = ["store"];
        var queued = factory.CreateGauge("emqx_persistence_queue_length", "Writes waiting for a commit, by store.", labels);
        var commits = factory.CreateCounter("emqx_persistence_commits", "Commits (transactions) that succeeded, by store.", labels);
        var seconds = factory.CreateCounter("emqx_persistence_commit_seconds", "Time the successful commits took, added up, by store.", labels);
        var writes = factory.CreateCounter("emqx_persistence_writes", "Writes committed, by store: divided by commits, how well group commit batches.", labels);
        var failed = factory.CreateCounter("emqx_persistence_failed_commits", "Commits that failed, by store.", labels);
        Store Of(string store) => new(queued.WithLabels(store), commits.WithLabels(store), seconds.WithLabels(store), writes.WithLabels(store), failed.WithLabels(store));
        _journal = Of("journal");
        _state = Of("state");
    }

    public void Collect()
    {
        if (_persistence.Extension is { } extension && extension.Journal.Statistics is var journal)
        {
            _journal.Set(journal.Queued, journal.Commits, journal.CommitTime, journal.Writes, journal.FailedCommits);
        }

        if (_persistence.State is { } store && store.Statistics is var state)
        {
            _state.Set(state.Queued, state.Commits, state.CommitTime, state.Writes, state.FailedCommits);
        }
    }

    private sealed record Store(Gauge.Child Queued, Counter.Child Commits, Counter.Child Seconds, Counter.Child Writes, Counter.Child Failed)
    {
        public void Set(int queued, long commits, TimeSpan commitTime, long writes, long failed)
        {
            Queued.Set(queued);
            Commits.IncTo(commits);
            Seconds.IncTo(commitTime.TotalSeconds);
            Writes.IncTo(writes);
            Failed.IncTo(failed);
        }
    }
}
