using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Broker.Core.Security.Records;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Cluster.Security;

/// <summary>
/// This node's side of the replicated security records (users, bans): it writes this node's changes into the
/// <see cref="SecurityKeys"/> (WriteLocal: gossip spreads them), and gives the greatest version of every entry it sees
/// to the <see cref="SecurityStore"/>, which keeps it when it is newer than its own. Its periodic sweep removes from
/// the data the versions that were superseded and the records the store says are obsolete (old tombstones, ended bans),
/// so the keys do not grow with every change ever made.
/// </summary>
internal sealed class SecurityReplicatorActor : ReceiveActor, IWithTimers
{
    public const string Name = "broker-security";

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    private readonly ILogger _logger;
    private readonly IActorRef _replicator;
    private readonly UniqueAddress _self;
    private readonly Dictionary<string, ORSet<string>> _latest = new(StringComparer.Ordinal);
    private SecurityStore? _store;

    public SecurityReplicatorActor(ILogger logger)
    {
        _logger = logger;
        _replicator = DistributedData.Get(Context.System).Replicator;
        _self = AkkaCluster.Get(Context.System).SelfUniqueAddress;

        Receive<Publish>(m => Write(m.Record));
        Receive<Attach>(m =>
        {
            _store = m.Store;
            foreach (var set in _latest.Values)
            {
                Apply(set);
            }
        });
        Receive<Changed>(OnChanged);
        Receive<SweepTick>(_ => Sweep());
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(f => _logger.LogWarning("Security replication: update of {Key} failed: {Failure}", f.Key, f));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        foreach (var key in SecurityKeys.All)
        {
            _replicator.Tell(Dsl.Subscribe(key, Self));
        }

        Timers.StartPeriodicTimer(nameof(SweepTick), SweepTick.Instance, SweepInterval);
    }

    /// <summary>Adds the record unless a version that supersedes it is there already, and removes the versions it supersedes.</summary>
    private void Write(SecurityRecord record)
    {
        var element = SecurityKeys.Element(record);
        var self = _self;
        _replicator.Tell(Dsl.Update(SecurityKeys.For(record), ORSet<string>.Empty, WriteLocal.Instance, set =>
        {
            var updated = set;
            foreach (var existing in set.Elements)
            {
                // Most elements are other entries': a substring test spares parsing them. A key JSON escapes differently
                // is missed here, which only leaves its older version for the sweep: the greatest version wins anyway.
                if (!existing.Contains(record.Key, StringComparison.Ordinal)
                    || SecurityKeys.Parse(existing) is not { } other || !SecurityKeys.SameEntry(other, record))
                {
                    continue;
                }

                if (!record.Supersedes(other))
                {
                    return set;
                }

                updated = updated.Remove(self, existing);
            }

            return updated.Add(self, element);
        }));
    }

    private void OnChanged(Changed changed)
    {
        if (changed.Key is not ORSetKey<string> key)
        {
            return;
        }

        var set = changed.Get(key);
        _latest[key.Id] = set;
        Apply(set);
    }

    private void Apply(ORSet<string> set)
    {
        if (_store is not { } store)
        {
            return;
        }

        foreach (var record in Winners(set).Values)
        {
            _ = store.ApplyReplicated(record);
        }
    }

    private static Dictionary<(string, string), SecurityRecord> Winners(ORSet<string> set)
    {
        var winners = new Dictionary<(string, string), SecurityRecord>();
        foreach (var element in set.Elements)
        {
            if (SecurityKeys.Parse(element) is { } record && record.Supersedes(winners.GetValueOrDefault((record.Kind, record.Key))))
            {
                winners[(record.Kind, record.Key)] = record;
            }
        }

        return winners;
    }

    private void Sweep()
    {
        if (_store is not { } store)
        {
            return;
        }

        foreach (var (id, set) in _latest)
        {
            var winners = Winners(set);
            var stale = set.Elements.Where(element => SecurityKeys.Parse(element) is { } record
                && (winners[(record.Kind, record.Key)] != record || store.IsObsolete(record))).ToList();
            if (stale.Count == 0)
            {
                continue;
            }

            var self = _self;
            _replicator.Tell(Dsl.Update(new ORSetKey<string>(id), ORSet<string>.Empty, WriteLocal.Instance, current =>
                stale.Aggregate(current, (s, element) => s.Remove(self, element))));
        }
    }

    internal sealed record Publish(SecurityRecord Record);

    internal sealed record Attach(SecurityStore Store);

    private sealed class SweepTick
    {
        public static readonly SweepTick Instance = new();
    }
}
