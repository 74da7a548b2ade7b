using System.Net.Sockets;

namespace Broker.Host.Listeners.Sockets;

/// <summary>
/// One accept kept outstanding on the listening socket, its arguments reused for every accept: no allocation
/// per connection beyond the socket itself. Accepts that complete at once are handled in a loop, the others
/// on the completion's thread; it ends when the listening socket is closed.
/// </summary>
internal sealed class AcceptLoop(SocketListener listener) : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true)
{
    // After a failure other than the listener closing (out of file descriptors, say), so that a connect
    // still queued in the backlog does not spin the loop.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    private Socket? _listening;

    public void Run(Socket listening)
    {
        _listening = listening;
        Next();
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (Handle())
            Next();
    }

    private void Next()
    {
        while (true)
        {
            AcceptSocket = null;
            try
            {
                if (_listening!.AcceptAsync(this))
                    return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (!Handle())
                return;
        }
    }

    /// <returns>false when the loop is to stop, for good or until the retry delay has passed.</returns>
    private bool Handle()
    {
        switch (SocketError)
        {
            case SocketError.Success:
                listener.Accepted(AcceptSocket!);
                return true;
            case SocketError.OperationAborted or SocketError.Interrupted or SocketError.NotSocket:
                // The listening socket was closed: the listener stopped accepting.
                return false;
            case SocketError.ConnectionReset or SocketError.ConnectionAborted:
                // The client gave up while queued: nothing to serve.
                return true;
            default:
                listener.AcceptFailed(SocketError);
                _ = Task.Delay(RetryDelay).ContinueWith(static (_, state) => ((AcceptLoop)state!).Next(), this, TaskScheduler.Default);
                return false;
        }
    }
}
