using System.Collections.Concurrent;
using Broker.Transport.Mqtt;

namespace Broker.Transport.Connections;

/// <summary>
/// The live connections of this node, so that a graceful shutdown can tell every client why it is being
/// disconnected and wait for them to go. Connections register themselves while they run.
/// </summary>
public sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<long, MqttConnection> _live = new();

    public int Count => _live.Count;

    public IReadOnlyCollection<MqttConnection> Snapshot() => _live.Values.ToArray();

    /// <summary>
    /// Closes every live connection with <paramref name="reason"/> (0x8B Server shutting down, on 5.0,
    /// after what was queued for it), and waits until each has flushed and ended.
    /// </summary>
    /// <returns>false when some were still open after <paramref name="timeout"/>.</returns>
    public async Task<bool> CloseAllAsync(ReasonCode reason, TimeSpan timeout)
    {
        var connections = _live.Values.ToArray();
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

    internal void Register(MqttConnection connection) => _live[connection.Id] = connection;

    internal void Unregister(MqttConnection connection) => _live.TryRemove(connection.Id, out _);
}
