using Broker.Core.Messaging;

namespace Broker.Core.Tests.Sessions.Support;

/// <summary>An <see cref="IInboundCredit"/> that counts what was taken and returned; tests wait on the returns.</summary>
internal sealed class CountingCredit : IInboundCredit
{
    private readonly SemaphoreSlim _returned = new(0);
    private int _taken;

    public int Taken => Volatile.Read(ref _taken);

    public void Take(int count) => Interlocked.Add(ref _taken, count);

    public void Return() => _returned.Release();

    /// <summary>Waits for <paramref name="count"/> returns; false when they did not come within five seconds.</summary>
    public bool WaitReturned(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!_returned.Wait(TimeSpan.FromSeconds(5)))
            {
                return false;
            }
        }

        return true;
    }

    public int ReturnedSoFar => _returned.CurrentCount;
}
