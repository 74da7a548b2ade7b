using Akka.Actor;
using Broker.Cluster.Membership;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Cluster.Discovery;

/// <summary>
/// Looks the DNS name up until this node has joined a cluster, and hands what it found to Akka.NET's seed-node join
/// (as <see cref="DnsJoinPlan"/> decides). Waits between lookups with a bounded back-off: from
/// <see cref="DnsDiscoverySettings.FirstRetryInterval"/>, doubling while the answer stays the same, up to
/// <see cref="DnsDiscoverySettings.MaxRetryInterval"/>. Logs each new reason it is not a member yet; the
/// <see cref="MembershipWatcher"/> repeats the latest every few seconds.
/// </summary>
internal sealed class DnsSeedFinder : ReceiveActor, IWithTimers
{
    public const string Name = "broker-dns-seeds";

    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);
    private readonly CancellationTokenSource _stopping = new();
    private readonly DnsSeedLookup _lookup;
    private readonly DnsJoinPlan _plan;
    private readonly JoinProgress _progress;
    private readonly ILogger _logger;
    private readonly DnsDiscoverySettings _settings;
    private TimeSpan _interval;

    public DnsSeedFinder(DnsDiscoverySettings settings, JoinProgress progress, ILogger logger)
    {
        _settings = settings;
        _progress = progress;
        _logger = logger;
        _interval = settings.FirstRetryInterval;
        var self = _cluster.SelfAddress;
        _lookup = new DnsSeedLookup(settings, self.Port ?? 0);
        _plan = new DnsJoinPlan(SeedAddress.Of(self.Host, self.Port ?? 0), _lookup.Describe, settings.StableMargin,
            settings.RejoinVia?.Select(ParseEndpoint).ToList());

        Receive<LookUp>(_ => StartLookup());
        Receive<SeedLookupResult>(ReceiveResult);
        Receive<Status.Failure>(failure => ReceiveResult(SeedLookupResult.Nothing(failure.Cause.GetBaseException().Message)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Welcomed into a cluster (Joining or later): Akka would ignore further seeds, so the lookups end.</summary>
    private bool Joined => _cluster.State.Members.Any(m => m.UniqueAddress.Equals(_cluster.SelfUniqueAddress));

    protected override void PreStart() => Self.Tell(LookUp.Instance);

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void StartLookup()
    {
        if (Joined)
        {
            Context.Stop(Self);
            return;
        }

        _lookup.LookupAsync(_stopping.Token).PipeTo(Self);
    }

    private void ReceiveResult(SeedLookupResult result)
    {
        if (Joined)
        {
            Context.Stop(Self);
            return;
        }

        var step = _plan.Next(result, DateTime.UtcNow);
        if (step.Join is { } seeds)
        {
            _cluster.JoinSeedNodes(seeds.Select(ToAkkaAddress));
        }

        if (_progress.Set(step.Status))
        {
            _logger.LogInformation("Cluster discovery: {Status}", step.Status);
        }

        if (step.Changed)
        {
            _interval = _settings.FirstRetryInterval;
        }

        var wait = step.LookAgainWithin is { } within && within < _interval ? within : _interval;
        _interval = TimeSpan.FromTicks(Math.Min(_interval.Ticks * 2, _settings.MaxRetryInterval.Ticks));
        Timers.StartSingleTimer(nameof(LookUp), LookUp.Instance, wait);
    }

    // This node's own entry becomes its exact self address, so Akka.NET recognizes itself in the list whatever the
    // case of node.name's host; the others are addressed as DNS named them.
    private Address ToAkkaAddress(SeedAddress seed) =>
        seed == _plan.Self ? _cluster.SelfAddress : new Address(_cluster.SelfAddress.Protocol, Context.System.Name, seed.Host, seed.Port);

    private static SeedAddress ParseEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return SeedAddress.Of(endpoint[..colon], int.Parse(endpoint.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class LookUp
    {
        public static readonly LookUp Instance = new();
    }
}
