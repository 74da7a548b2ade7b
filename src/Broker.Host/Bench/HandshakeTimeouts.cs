using System.Diagnostics;

namespace Broker.Host.Bench;

/// <summary>
/// The handshake timeout of connections opened in bulk, without a timer per connection: connections that start
/// within the same tenth of a second share one token, cancelled a timeout after that slot ends (so a handshake gets
/// between the timeout and a tenth of a second more), or when the run stops.
/// </summary>
public sealed class HandshakeTimeouts(TimeSpan timeout, CancellationToken run) : IDisposable
{
    private static readonly long SlotTicks = Stopwatch.Frequency / 10;
    private static readonly TimeSpan Slot = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private readonly List<CancellationTokenSource> _slots = [];
    private long _currentSlot = -1;
    private CancellationTokenSource? _current;

    public TimeSpan Timeout => timeout;

    /// <summary>The token of a handshake that starts now.</summary>
    public CancellationToken Next()
    {
        var slot = Stopwatch.GetTimestamp() / SlotTicks;
        lock (_gate)
        {
            if (slot != _currentSlot || _current is null)
            {
                _current = CancellationTokenSource.CreateLinkedTokenSource(run);
                _current.CancelAfter(timeout + Slot);
                _slots.Add(_current);
                _currentSlot = slot;
            }

            return _current.Token;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var slot in _slots)
                slot.Dispose();
            _slots.Clear();
            _current = null;
        }
    }
}
