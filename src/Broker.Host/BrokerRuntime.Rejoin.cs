using Broker.Cluster;
using Broker.Mqtt;
using Microsoft.Extensions.Logging;

namespace Broker.Host;

/// <summary>
/// A node whose cluster ended under it (the split brain resolver downed it on the losing side of a partition, or an
/// operator downed it) with <c>cluster.down_action = rejoin</c>: it takes no clients while it is out, so that no client
/// id has a live session on both sides, and joins again by itself once a member answers.
/// <code>
///   cluster ended  -> CONNECT refused (0x88 / return code 3), /ready 503, the old cluster's parts detached
///                  -> every client sent DISCONNECT 0x8B (5.0) and closed
///                  -> a new cluster endpoint (a new incarnation at the same address, once the old one has stopped)
///                     seeded with the members it last saw and its seeds, never itself; retried until it starts
///                  -> Up, the cluster's retained messages pulled (bounded) -> ClusterRejoined -> CONNECT accepted
/// </code>
/// The sessions in memory stay as they are.
/// </summary>
public sealed partial class BrokerRuntime
{
    // How long the clients are given to take their DISCONNECT before the rejoin goes on (what is still open is
    // closed by then; they are refused anyway until the node is back).
    private static readonly TimeSpan RejoinDisconnectLimit = TimeSpan.FromSeconds(10);

    // Between two attempts to start the new cluster endpoint (its port still held by the old one, say).
    private static readonly TimeSpan RejoinRetryInterval = TimeSpan.FromSeconds(2);

    // How often the wait for a member's answer is logged (the membership watcher also warns while not Up).
    private static readonly TimeSpan RejoinLogInterval = TimeSpan.FromSeconds(5);

    private volatile string? _outOfCluster;
    private int _rejoins;

    /// <summary>
    /// Raised once a node whose cluster ended under it is an Up member of a new one, wired in (its session registry has
    /// reclaimed its sessions: SessionRegistry.Cluster.cs), just before it takes clients again (on a thread of its own; a handler that throws is logged). The argument is the new cluster.
    /// </summary>
    public event Action<BrokerCluster>? ClusterRejoined;

    /// <summary>How many times this node has rejoined its cluster by itself.</summary>
    public int Rejoins => Volatile.Read(ref _rejoins);

    /// <summary>Why this node is out of its cluster and takes no clients now, or null when it is not.</summary>
    public string? OutOfClusterReason => _outOfCluster;

    private async Task RejoinAsync(BrokerCluster ended)
    {
        try
        {
            await RejoinCoreAsync(ended).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Nothing is left to try here: the node stops, for its supervisor to start it again (exit 6).
            LogRejoinFailed(_logger, e);
            _clusterEnded.TrySetResult(true);
        }
    }

    private async Task RejoinCoreAsync(BrokerCluster ended)
    {
        var reason = $"this node is out of its cluster (downed, or removed) and rejoining it";
        _outOfCluster = reason;
        _context.Admission.Close(reason);
        LogClusterEnded(_logger, NodeName);
        DetachCluster(ended);
        await CloseConnectionsForRejoinAsync().ConfigureAwait(false);

        var settings = ended.RejoinSettings();
        var seeds = settings.DnsDiscovery is { } dns
            ? $"DNS name {dns.Name} and [{string.Join(", ", dns.RejoinVia ?? [])}], forming no cluster"
            : $"seeds [{string.Join(", ", settings.Seeds)}]";
        LogRejoining(_logger, NodeName, seeds);
        if (await StartRejoinedClusterAsync(settings).ConfigureAwait(false) is not { } cluster)
        {
            return;
        }

        if (!await WaitUntilUpAsync(cluster, seeds).ConfigureAwait(false))
        {
            return;
        }

        await WaitForRetainedAsync(cluster, _logger, CancellationToken.None).ConfigureAwait(false);
        if (_stopping || cluster.Terminated.IsCompleted)
        {
            return;
        }

        Interlocked.Increment(ref _rejoins);
        try
        {
            ClusterRejoined?.Invoke(cluster);
        }
        catch (Exception e)
        {
            LogRejoinedHandlerFailed(_logger, e);
        }

        _outOfCluster = null;
        _context.Admission.Open();
        LogRejoined(_logger, NodeName);
    }

    /// <summary>DISCONNECT 0x8B to every client (as at shutdown), bounded; connecting ones are refused meanwhile.</summary>
    private async Task CloseConnectionsForRejoinAsync()
    {
        var closed = await _context.Connections.CloseAllAsync(ReasonCode.ServerShuttingDown, RejoinDisconnectLimit).ConfigureAwait(false);
        if (!closed)
        {
            LogClientsStillOpen(_logger, RejoinDisconnectLimit.TotalSeconds);
        }
    }

    /// <summary>
    /// Starts the new cluster endpoint and wires it in, retrying while it cannot start (the port not free yet); null
    /// when the node stops first.
    /// </summary>
    private async Task<BrokerCluster?> StartRejoinedClusterAsync(ClusterSettings settings)
    {
        while (true)
        {
            await _joinGate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_stopping)
                {
                    return null;
                }

                return await StartAndAttachClusterAsync(settings, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ClusterStartException or InvalidOperationException && !_stopping)
            {
                LogRejoinStartFailed(_logger, e.Message, RejoinRetryInterval.TotalSeconds);
            }
            catch (InvalidOperationException) when (_stopping)
            {
                return null;
            }
            finally
            {
                _joinGate.Release();
            }

            await Task.Delay(RejoinRetryInterval).ConfigureAwait(false);
        }
    }

    /// <summary>Until the new cluster is Up, saying every few seconds that it waits; false when it ended first (the node stops).</summary>
    private async Task<bool> WaitUntilUpAsync(BrokerCluster cluster, string seeds)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            var done = await Task.WhenAny(cluster.WhenUp, cluster.Terminated, Task.Delay(RejoinLogInterval)).ConfigureAwait(false);
            if (done == cluster.WhenUp)
            {
                return !_stopping;
            }

            if (done == cluster.Terminated)
            {
                return false;
            }

            LogStillRejoining(_logger, NodeName, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, seeds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} is no longer a member of its cluster (downed by the split brain resolver or an operator, or removed): disconnecting its clients and refusing new ones until it has rejoined (cluster.down_action = rejoin)")]
    private static partial void LogClusterEnded(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} rejoining its cluster through {Seeds}")]
    private static partial void LogRejoining(ILogger logger, string node, string seeds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} has not rejoined its cluster after {Seconds:F0} s: no member answered yet ({Seeds}); still trying")]
    private static partial void LogStillRejoining(ILogger logger, string node, double seconds, string seeds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster endpoint could not start again ({Reason}); trying again in {Seconds} s")]
    private static partial void LogRejoinStartFailed(ILogger logger, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Some clients were still connected {Seconds} s after their DISCONNECT; the rejoin goes on")]
    private static partial void LogClientsStillOpen(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The rejoin failed: stopping, to be started again")]
    private static partial void LogRejoinFailed(ILogger logger, Exception cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "A ClusterRejoined handler failed")]
    private static partial void LogRejoinedHandlerFailed(ILogger logger, Exception cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} has rejoined its cluster: accepting clients again")]
    private static partial void LogRejoined(ILogger logger, string node);
}
