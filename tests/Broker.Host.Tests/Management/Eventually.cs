namespace Broker.Host.Tests.Management;

/// <summary>Polls a condition until it holds or a bounded deadline passes: cluster state spreads by gossip, never at once.</summary>
internal static class Eventually
{
    // Gossip rounds are 1 to 2 s apart; a node that joins late needs several while the machine runs other tests too.
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Default);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not within {within ?? Default}: {what}");
            }

            await Task.Delay(50);
        }
    }

    public static Task True(Func<bool> condition, string what, TimeSpan? within = null) =>
        True(() => Task.FromResult(condition()), what, within);
}
