namespace Broker.Host.Listeners;

/// <summary>Counts a listener's live connections and refuses one beyond <c>max_connections</c>.</summary>
public sealed class ConnectionLimit(int maximum)
{
    private int current;

    public int Maximum { get; } = maximum;

    public int Current => Volatile.Read(ref current);

    /// <summary>Takes a place for a new connection; false when all are taken. A true must be paired with <see cref="Release"/>.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var seen = Volatile.Read(ref current);
            if (seen >= Maximum)
                return false;
            if (Interlocked.CompareExchange(ref current, seen + 1, seen) == seen)
                return true;
        }
    }

    public void Release() => Interlocked.Decrement(ref current);
}
