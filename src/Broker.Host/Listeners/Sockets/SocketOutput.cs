using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Broker.Host.Listeners.Sockets;

/// <summary>
/// A connection's output side. What is written goes into one contiguous buffer rented from
/// <see cref="ArrayPool{T}.Shared"/> (grown by copying when a batch outgrows it) and is sent on
/// <see cref="FlushAsync"/> by non-blocking sends on the flushing thread: the MQTT writer loop already runs
/// off the sessions' threads, so no second hop to a socket sender is needed. Only when the socket's send
/// buffer is full (a client that reads slowly) does the flush wait on an asynchronous send. The buffer goes
/// back to the pool after each flush: an idle connection holds none.
/// <para>One writer at a time, as for any <see cref="PipeWriter"/>; <see cref="CancelPendingFlush"/> and
/// <see cref="Abort"/> may come from any thread.</para>
/// </summary>
internal sealed class SocketOutput(Socket socket) : PipeWriter
{
    private const int MinimumBufferSize = 4 * 1024;

    private byte[]? _buffer;
    private int _written;
    private bool _failed;
    private bool _completed;

    // Only for a flush that waits on the socket; guarded by the lock on this writer, which no one else sees.
    private CancellationTokenSource? _flushCancellation;
    private bool _cancelRequested;

    public override void Advance(int bytes)
    {
        if ((uint)bytes > (uint)(_buffer?.Length - _written ?? 0))
            throw new ArgumentOutOfRangeException(nameof(bytes));
        _written += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_written);

    public override Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_written);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (TakeCancelRequest())
            return new ValueTask<FlushResult>(new FlushResult(isCanceled: true, isCompleted: false));
        var sent = 0;
        while (!_failed && sent < _written)
        {
            int count;
            SocketError error;
            try
            {
                count = socket.Send(_buffer.AsSpan(sent, _written - sent), SocketFlags.None, out error);
            }
            catch (ObjectDisposedException)
            {
                (count, error) = (0, SocketError.OperationAborted);
            }

            if (error == SocketError.WouldBlock)
                return WaitAndSendAsync(sent, cancellationToken);
            if (error != SocketError.Success)
                _failed = true;
            sent += count;
        }

        ReturnBuffer();
        return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: _failed));
    }

    public override void CancelPendingFlush()
    {
        lock (this)
        {
            _cancelRequested = true;
            _flushCancellation?.Cancel();
        }
    }

    public override void Complete(Exception? exception = null)
    {
        _completed = true;
        ReturnBuffer();
    }

    /// <summary>The connection is being closed: a flush that waits on the socket ends.</summary>
    public void Abort() => CancelPendingFlush();

    private async ValueTask<FlushResult> WaitAndSendAsync(int sent, CancellationToken cancellationToken)
    {
        CancellationTokenSource cancellation;
        lock (this)
        {
            if (_cancelRequested)
            {
                _cancelRequested = false;
                return new FlushResult(isCanceled: true, isCompleted: false);
            }

            cancellation = _flushCancellation ??= new CancellationTokenSource();
        }

        using var linked = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), cancellation);
        try
        {
            while (sent < _written)
                sent += await socket.SendAsync(_buffer.AsMemory(sent, _written - sent), SocketFlags.None, cancellation.Token).ConfigureAwait(false);
            return new FlushResult(isCanceled: false, isCompleted: false);
        }
        catch (OperationCanceledException)
        {
            TakeCancelRequest();
            return new FlushResult(isCanceled: true, isCompleted: false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _failed = true;
            return new FlushResult(isCanceled: false, isCompleted: true);
        }
        finally
        {
            ReturnBuffer();
        }
    }

    private bool TakeCancelRequest()
    {
        lock (this)
        {
            var requested = _cancelRequested;
            _cancelRequested = false;
            return requested;
        }
    }

    /// <summary>The buffer, with at least <paramref name="sizeHint"/> bytes (at least one) free after what is written.</summary>
    private byte[] Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var needed = Math.Max(sizeHint, 1);
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(needed, MinimumBufferSize));
        }
        else if (_buffer.Length - _written < needed)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + needed));
            _buffer.AsSpan(0, _written).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        return _buffer;
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _written = 0;
    }
}
