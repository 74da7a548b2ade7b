using System.Net;
using System.Net.Sockets;
using Broker.Transport.Connections;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Listeners.Sockets;

/// <summary>
/// The broker's own transport for a plain TCP listener, in place of Kestrel's, whose socket transport alone holds
/// more heap per idle connection than the broker's whole budget for one (docs/PERFORMANCE.md). A listening
/// socket with <see cref="AcceptLoops"/> accepts outstanding, for the connection rate; each accepted socket is
/// a <see cref="SocketConnection"/> handed to the MQTT handler, as Kestrel's connection middleware did: refused at
/// once past <c>max_connections</c>, Nagle off, the handler's task the connection's life.
/// <para>
/// Stopping goes in the broker's steps: <see cref="StopAccepting"/> closes the listening socket and leaves the
/// connections alone; <see cref="StopAsync"/> waits for them to end and, once its token is cancelled, aborts
/// those left (the handlers' shared token fires and their sockets close).
/// </para>
/// <para>
/// A connection whose handler ended before its client closed lingers (<see cref="SocketConnection.LingerAsync"/>):
/// it counts against <c>max_connections</c> until the client closes too, 5 s at most, or the listener stops.
/// </para>
/// </summary>
internal sealed partial class SocketListener : IDisposable
{
    /// <summary>Accepts waiting at once on the listening socket: one per core keeps a burst of connects flowing.</summary>
    private static readonly int AcceptLoops = Math.Max(2, Environment.ProcessorCount);

    // The kernel caps this at net.core.somaxconn; bursts of connects wait here while the accepts catch up.
    private const int Backlog = 1024;

    private readonly string _name;
    private readonly ConnectionLimit _limit;
    private readonly MqttConnectionHandler _handler;
    private readonly ILogger _logger;
    private readonly Socket _listening;
    private readonly IPEndPoint? _sharedLocalEndPoint;

    // How long a connection the broker closed waits for its client to close too (SocketConnection.LingerAsync).
    private static readonly TimeSpan LingerLimit = TimeSpan.FromSeconds(5);

    // One token for every connection: it fires only when the listener aborts them all, so no connection needs its own.
    private readonly CancellationTokenSource _aborted = new();

    // Fires when the listener stops: the connections it closed have been told, and stopping waits for no client.
    private readonly CancellationTokenSource _stopLingering = new();

    // The live connections, a list threaded through the connections themselves; guarded by _gate.
    private readonly Lock _gate = new();
    private IntrusiveList<SocketConnection> _live;
    private TaskCompletionSource? _allEnded;

    public SocketListener(string name, IPEndPoint endpoint, ConnectionLimit limit, MqttConnectionHandler handler, ILogger logger)
    {
        _name = name;
        _limit = limit;
        _handler = handler;
        _logger = logger;
        _listening = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // As Kestrel and mosquitto: a restarted broker binds again while old connections linger in TIME_WAIT.
            if (!OperatingSystem.IsWindows())
                _listening.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
                _listening.DualMode = true;
            _listening.Bind(endpoint);
            _listening.Listen(Backlog);
        }
        catch
        {
            _listening.Dispose();
            throw;
        }

        EndPoint = (IPEndPoint)_listening.LocalEndPoint!;
        // Bound to one address, every connection's local end is the listener's: one object for all, and the
        // socket never makes its own. Bound to every interface, each socket is asked which.
        if (!EndPoint.Address.Equals(IPAddress.Any) && !EndPoint.Address.Equals(IPAddress.IPv6Any))
            _sharedLocalEndPoint = EndPoint;
        for (var i = 0; i < AcceptLoops; i++)
            new AcceptLoop(this).Run(_listening);
    }

    /// <summary>Where the listener accepts: the actual port when 0 was asked for.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Closes the listening socket; live connections go on.</summary>
    public void StopAccepting() => _listening.Dispose();

    /// <summary>
    /// Returns when every connection has ended: on its own, or aborted once <paramref name="cancellationToken"/>
    /// is cancelled.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        StopAccepting();
        _stopLingering.Cancel();
        Task allEnded;
        lock (_gate)
        {
            if (_live.Count == 0)
                return;
            _allEnded ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            allEnded = _allEnded.Task;
        }

        using (cancellationToken.UnsafeRegister(static state => ((SocketListener)state!).AbortAll(), this))
            await allEnded.ConfigureAwait(false);
    }

    public void Dispose()
    {
        StopAccepting();
        AbortAll();
    }

    /// <summary>An accepted socket: served, or closed at once past <c>max_connections</c>.</summary>
    internal void Accepted(Socket socket)
    {
        if (!_limit.TryAcquire())
        {
            ListenerConnections.Refused(_logger, _name, socket.RemoteEndPoint, _limit.Maximum);
            socket.Dispose();
            return;
        }

        try
        {
            socket.NoDelay = true;
            // Reading and sending try the socket first and wait only when it would block.
            socket.Blocking = false;
        }
        catch (SocketException)
        {
            // Reset before it was served.
            socket.Dispose();
            _limit.Release();
            return;
        }

        var connection = new SocketConnection(socket);
        Add(connection);
        Serve(connection);
    }

    /// <summary>The accepts failed for a reason other than the listener stopping (out of file descriptors, say).</summary>
    internal void AcceptFailed(SocketError error) => AcceptError(_name, error);

    /// <summary>
    /// Runs the handler and, when it ends, closes the connection and forgets it. A continuation on the handler's
    /// task, not an async method: an idle connection would keep the method's state machine and its continuation
    /// delegate where it now keeps one delegate.
    /// </summary>
    private void Serve(SocketConnection connection)
    {
        var socket = connection.Socket;
        var metadata = new ConnectionMetadata(_name, socket.RemoteEndPoint, _sharedLocalEndPoint ?? socket.LocalEndPoint);
        Task served;
        try
        {
            served = _handler(connection, metadata, _aborted.Token);
        }
        catch (Exception e)
        {
            served = Task.FromException(e);
        }

        connection.WhenServed(served, this);
    }

    /// <summary>
    /// The handler of <paramref name="connection"/> ended (<paramref name="served"/> is complete): the connection is
    /// closed and forgotten, after lingering when the client has not closed its end (see <see cref="SocketConnection.LingerAsync"/>).
    /// </summary>
    internal void Served(SocketConnection connection, Task served)
    {
        var forget = true;
        try
        {
            var failure = served.IsFaulted ? served.Exception!.InnerException : served.IsCanceled ? new OperationCanceledException() : null;
            if (failure is not null && (failure is not OperationCanceledException || !_aborted.IsCancellationRequested))
            {
                ListenerConnections.HandlerFailed(_logger, _name, connection.RemoteEndPoint, failure);
            }

            if (!connection.ClientEnded)
            {
                _ = LingerThenForgetAsync(connection);
                forget = false;
            }
        }
        finally
        {
            // Whatever the log does: a connection left in the list would hold the listener's shutdown for good.
            if (forget)
                Forget(connection);
        }
    }

    private async Task LingerThenForgetAsync(SocketConnection connection)
    {
        try
        {
            await connection.LingerAsync(LingerLimit, _stopLingering.Token).ConfigureAwait(false);
        }
        finally
        {
            Forget(connection);
        }
    }

    private void Forget(SocketConnection connection)
    {
        connection.Close();
        Remove(connection);
        _limit.Release();
    }

    private void Add(SocketConnection connection)
    {
        lock (_gate)
        {
            _live.AddFirst(connection);
        }
    }

    private void Remove(SocketConnection connection)
    {
        TaskCompletionSource? allEnded = null;
        lock (_gate)
        {
            if (_live.Remove(connection) && _live.Count == 0)
                allEnded = _allEnded;
        }

        allEnded?.TrySetResult();
    }

    private void AbortAll()
    {
        _aborted.Cancel();
        List<SocketConnection> live = [];
        lock (_gate)
        {
            for (var connection = _live.First; connection is not null; connection = ((IIntrusiveNode<SocketConnection>)connection).Next)
                live.Add(connection);
        }

        foreach (var connection in live)
            connection.Close();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listener {Listener}: accepting a connection failed: {Error}")]
    private partial void AcceptError(string listener, SocketError error);
}
