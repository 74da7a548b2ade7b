namespace Broker.Actors.Tests.Runtime.Support;

/// <summary>
/// Holds an actor inside its Receive until the test opens it, so that the test can fill the actor's
/// mailbox (or queue a timer tick) while nothing is taken out of it. The wait is bounded only so that
/// a broken test cannot hang the run; tests open their gates long before.
/// </summary>
internal sealed class Gate
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly ManualResetEventSlim _open = new();

    public void Open() => _open.Set();

    public void Pass()
    {
        if (!_open.Wait(Limit))
        {
            throw new TimeoutException($"The gate stayed closed for {Limit}.");
        }
    }
}
