namespace Broker.Cluster.Discovery;

/// <summary>What <see cref="DnsJoinPlan"/> decided for one DNS answer.</summary>
/// <param name="Join">Seeds to hand to Akka.NET's seed-node join now (in this order); null: keep the current join going.</param>
/// <param name="Status">Why the node is where it is, for the log.</param>
/// <param name="Changed">The answer differs from the previous one (the next lookup comes soon again).</param>
/// <param name="LookAgainWithin">Look again no later than this (the rest of the stable margin).</param>
internal sealed record JoinPlanStep(IReadOnlyList<SeedAddress>? Join, string Status, bool Changed, TimeSpan? LookAgainWithin);
