using Broker.Mqtt;

namespace Broker.Transport.Connections;

/// <summary>
/// The live connections of this node, so that a graceful shutdown can tell every client why it is being
/// disconnected and wait for them to go, and the metrics can add up what connections counted
/// (<see cref="Totals"/>). Connections register themselves while they run.
/// <para>
/// A list threaded through the connections themselves, under one lock: no node per connection (a concurrent
/// dictionary holds one per entry, which every idle connection would pay for), and registering happens once per
/// connection.
/// </para>
/// </summary>
public sealed class ConnectionTracker
{
    private readonly Lock _gate = new();
    private IntrusiveList<MqttConnection> _live;

    // What the connections that ended counted, added when each unregisters.
    private ConnectionTotals _ended;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
        }
    }

    public IReadOnlyCollection<MqttConnection> Snapshot()
    {
        lock (_gate)
        {
            var live = new List<MqttConnection>(_live.Count);
            for (var connection = _live.First; connection is not null; connection = ((IIntrusiveNode<MqttConnection>)connection).Next)
            {
                live.Add(connection);
            }

            return live;
        }
    }

    /// <summary>
    /// What every connection of this node counted since it started, the ended ones and the live ones: a live one's
    /// counts are read as they stand, while its loops go on. Under the lock, so that a connection that ends meanwhile is
    /// counted once; a walk of the live connections, for a metrics scrape, not for a hot path.
    /// </summary>
    public ConnectionTotals Totals()
    {
        lock (_gate)
        {
            var totals = _ended;
            for (var connection = _live.First; connection is not null; connection = ((IIntrusiveNode<MqttConnection>)connection).Next)
            {
                totals += connection.Totals;
            }

            return totals;
        }
    }

    /// <summary>
    /// Closes every live connection with <paramref name="reason"/> (0x8B Server shutting down, on 5.0,
    /// after what was queued for it), and waits until each has flushed and ended.
    /// </summary>
    /// <returns>false when some were still open after <paramref name="timeout"/>.</returns>
    public async Task<bool> CloseAllAsync(ReasonCode reason, TimeSpan timeout)
    {
        var connections = Snapshot();
        foreach (var connection in connections)
        {
            connection.Close(reason);
        }

        try
        {
            await Task.WhenAll(connections.Select(c => c.Completion)).WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    internal void Register(MqttConnection connection)
    {
        lock (_gate)
        {
            _live.AddFirst(connection);
        }
    }

    /// <summary>
    /// Takes out a registered connection, once both its loops have ended, so that what it counted is final; one that is
    /// not registered (any more) is left alone.
    /// </summary>
    internal void Unregister(MqttConnection connection)
    {
        lock (_gate)
        {
            if (_live.Remove(connection))
            {
                _ended += connection.Totals;
            }
        }
    }
}
