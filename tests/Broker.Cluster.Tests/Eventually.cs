namespace Broker.Cluster.Tests;

/// <summary>Polls a condition until it holds or a bounded deadline passes: cluster state spreads by gossip, never at once.</summary>
internal static class Eventually
{
    // Gossip rounds are 1 to 2 s apart; a node that joins late needs several, and in CI the interop tests' brokers share
    // the two cores (20 s was missed there now and then: JoinTests, ClusterTests).
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(45);

    public static async Task True(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Default);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not within {within ?? Default}: {what}");
            }

            await Task.Delay(50);
        }
    }
}
