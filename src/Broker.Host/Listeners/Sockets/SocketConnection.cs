using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using Broker.Transport.Connections;

namespace Broker.Host.Listeners.Sockets;

/// <summary>
/// One accepted socket as the <see cref="IDuplexPipe"/> the MQTT handler reads and writes, and also its input side,
/// to save an object per idle connection. What an idle connection holds is this
/// object, its <see cref="SocketOutput"/>, one <see cref="ReadinessWait"/> and the socket: no buffer. Reading
/// waits with a zero-byte receive (Kestrel's <c>WaitForDataBeforeAllocatingBuffer</c>), then takes what arrived
/// with non-blocking receives into one contiguous buffer rented from <see cref="ArrayPool{T}.Shared"/>, returned
/// as soon as the reader has consumed all of it.
/// <para>
/// The buffer is contiguous: a packet split across receives is completed by moving it to the front or into a
/// bigger buffer, never by chaining segments, so each <see cref="ReadResult"/> is one array slice whose
/// <see cref="SequencePosition"/>s are array indices.
/// </para>
/// <para>
/// Threads: the handler's read loop calls <see cref="ReadAsync"/> and <see cref="AdvanceTo(SequencePosition, SequencePosition)"/>
/// one at a time; the receive completion (a thread-pool thread) touches the buffer only while that loop waits
/// on it; <see cref="CancelPendingRead"/> comes from any thread. The wait's flags are guarded by the lock on
/// <see cref="_wait"/>.
/// </para>
/// </summary>
internal sealed class SocketConnection : PipeReader, IDuplexPipe, IValueTaskSource<ReadResult>, IIntrusiveNode<SocketConnection>
{
    private const int MinimumReceiveSize = 4 * 1024;

    // What a lingering connection receives is dropped here: shared, as nobody reads it.
    private static readonly byte[] Discarded = new byte[MinimumReceiveSize];

    // A busy connection's receives grow up to this, so that a publisher flat out costs few system calls.
    private const int MaximumReceiveSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly SocketOutput _output;
    private readonly ReadinessWait _wait;
    private ManualResetValueTaskSourceCore<ReadResult> _pending;
    private (Task Task, SocketListener Listener) _served;
    private CancellationTokenRegistration _readCancellation;

    private byte[]? _buffer;
    private int _start;
    private int _end;
    private int _receiveSize = MinimumReceiveSize;
    private bool _examinedAll;
    private bool _ended;
    private bool _completed;

    // Guarded by the lock on _wait.
    private bool _waiting;
    private bool _readerWaiting;
    private bool _cancelRequested;

    public SocketConnection(Socket socket)
    {
        _socket = socket;
        _output = new SocketOutput(socket);
        _wait = new ReadinessWait(this);
    }

    public PipeReader Input => this;

    public PipeWriter Output => _output;

    // The listener's list of live connections, so that the list costs no node object.
    SocketConnection? IIntrusiveNode<SocketConnection>.Previous { get; set; }

    SocketConnection? IIntrusiveNode<SocketConnection>.Next { get; set; }

    public Socket Socket => _socket;

    /// <summary>The peer's address, or null once the socket is closed (an aborted connection's, say).</summary>
    internal EndPoint? RemoteEndPoint
    {
        get
        {
            try
            {
                return _socket.RemoteEndPoint;
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                return null;
            }
        }
    }

    /// <summary>Tells <paramref name="listener"/> when <paramref name="served"/>, this connection's handler, ends.</summary>
    internal void WhenServed(Task served, SocketListener listener)
    {
        if (served.IsCompleted)
        {
            listener.Served(this, served);
            return;
        }

        _served = (served, listener);
        served.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnServed);
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        lock (_wait)
        {
            if (_cancelRequested)
            {
                _cancelRequested = false;
                return new ValueTask<ReadResult>(Result(canceled: true));
            }

            if (HasUnexamined || _ended)
                return new ValueTask<ReadResult>(Result(canceled: false));
            if (_waiting)
                return Park(cancellationToken);
        }

        while (true)
        {
            if (TryReceive())
                return new ValueTask<ReadResult>(Result(canceled: false));
            lock (_wait)
            {
                if (_cancelRequested)
                {
                    _cancelRequested = false;
                    return new ValueTask<ReadResult>(Result(canceled: true));
                }

                _waiting = true;
                if (_wait.Start(_socket))
                    return Park(cancellationToken);
                // Readable already: receive again.
                _waiting = false;
            }
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        lock (_wait)
        {
            if (_cancelRequested)
            {
                _cancelRequested = false;
                result = Result(canceled: true);
                return true;
            }

            if (HasUnexamined || _ended)
            {
                result = Result(canceled: false);
                return true;
            }
        }

        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_buffer is null || consumed.GetObject() != _buffer)
            return;
        _start = consumed.GetInteger();
        _examinedAll = examined.GetInteger() >= _end;
        if (_start == _end)
            ReturnBuffer();
    }

    public override void CancelPendingRead()
    {
        lock (_wait)
        {
            if (!_readerWaiting)
            {
                _cancelRequested = true;
                return;
            }

            _readerWaiting = false;
        }

        // Not on the caller's thread: it may be a session actor, and the read loop would go on there.
        ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.Wake(canceled: true), this, preferLocal: false);
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
            return;
        _completed = true;
        ReturnBuffer();
    }

    /// <summary>The client's end of the stream (or a reset) has been read: it sends nothing more.</summary>
    internal bool ClientEnded => Volatile.Read(ref _ended);

    /// <summary>
    /// The handler is done but the client may not be: it is closed by the broker (a DISCONNECT with a reason, a
    /// protocol error, a takeover) and may have more on its way, as a publisher past the Receive Maximum has by
    /// definition. Closed now, the socket would answer that with a reset, and the client's next write would fail
    /// before it reads the DISCONNECT that says why. So, as the lingering close of HTTP servers: the end of what was
    /// sent goes out (FIN), then whatever still comes is read and dropped until the client closes too, for
    /// <paramref name="limit"/> at most, or until <paramref name="stop"/>. The caller closes the socket afterwards.
    /// </summary>
    internal async Task LingerAsync(TimeSpan limit, CancellationToken stop)
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
            deadline.CancelAfter(limit);
            while (await _socket.ReceiveAsync(Discarded, SocketFlags.None, deadline.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Reset, closed by the listener's abort, or past the limit: nothing more to wait for.
        }
    }

    /// <summary>Both sides are done, or the listener aborts: closes the socket, which also ends a pending wait.</summary>
    public void Close()
    {
        _output.Abort();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The peer is already gone.
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        _socket.Dispose();
    }

    private void OnServed() => _served.Listener.Served(this, _served.Task);

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token)
    {
        _readCancellation.Dispose();
        _readCancellation = default;
        return _pending.GetResult(token);
    }

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _pending.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _pending.OnCompleted(continuation, state, token, flags);

    /// <summary>The zero-byte receive completed: the socket is readable, closed, or failed.</summary>
    internal void OnReadable(SocketError error)
    {
        lock (_wait)
        {
            _waiting = false;
            if (error != SocketError.Success)
                _ended = true;
            if (!_readerWaiting)
                return;
            _readerWaiting = false;
        }

        Wake(canceled: false);
    }

    private bool HasUnexamined => _end > _start && !_examinedAll;

    private ValueTask<ReadResult> Park(CancellationToken cancellationToken)
    {
        _readerWaiting = true;
        _pending.Reset();
        if (cancellationToken.CanBeCanceled)
        {
            _readCancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((SocketConnection)state!).OnReadCanceled(token), this);
        }

        return new ValueTask<ReadResult>(this, _pending.Version);
    }

    private void OnReadCanceled(CancellationToken token)
    {
        lock (_wait)
        {
            if (!_readerWaiting)
                return;
            _readerWaiting = false;
        }

        _pending.SetException(new OperationCanceledException(token));
    }

    /// <summary>Completes the parked read: with what a receive brings, or canceled.</summary>
    private void Wake(bool canceled)
    {
        if (canceled)
        {
            _pending.SetResult(Result(canceled: true));
            return;
        }

        while (!_ended && !TryReceive())
        {
            // Readable turned out to be nothing to read (spurious): wait again.
            lock (_wait)
            {
                if (_cancelRequested)
                {
                    _cancelRequested = false;
                    canceled = true;
                    break;
                }

                _waiting = true;
                _readerWaiting = true;
                if (_wait.Start(_socket))
                    return;
                _waiting = false;
                _readerWaiting = false;
            }
        }

        _pending.SetResult(Result(canceled));
    }

    /// <summary>One non-blocking receive; false when nothing was there to take.</summary>
    private bool TryReceive()
    {
        if (_ended)
            return true;
        var free = MakeRoom();
        int received;
        SocketError error;
        try
        {
            received = _socket.Receive(free, SocketFlags.None, out error);
        }
        catch (ObjectDisposedException)
        {
            (received, error) = (0, SocketError.OperationAborted);
        }

        if (error == SocketError.WouldBlock)
        {
            if (_start == _end)
                ReturnBuffer();
            return false;
        }

        // A reset or error ends the stream like a close does: either way the client left without DISCONNECT.
        if (error != SocketError.Success || received == 0)
        {
            _ended = true;
            if (_start == _end)
                ReturnBuffer();
            return true;
        }

        if (received == free.Length && _receiveSize < MaximumReceiveSize)
            _receiveSize *= 2;
        _end += received;
        _examinedAll = false;
        return true;
    }

    /// <summary>Free space after the unread bytes: a fresh buffer, the unread bytes moved to the front, or a bigger buffer.</summary>
    private Span<byte> MakeRoom()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(_receiveSize);
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            var unread = _end - _start;
            if (_start > 0)
            {
                _buffer.AsSpan(_start, unread).CopyTo(_buffer);
            }
            else
            {
                var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, unread).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }

            _start = 0;
            _end = unread;
        }

        return _buffer.AsSpan(_end);
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _start = _end = 0;
        _examinedAll = false;
    }

    private ReadResult Result(bool canceled) =>
        new(_buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start), canceled, _ended);
}
