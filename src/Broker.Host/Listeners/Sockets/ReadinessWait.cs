using System.Net.Sockets;

namespace Broker.Host.Listeners.Sockets;

/// <summary>
/// A connection's zero-byte receive: completes when the socket has something to read (or is closed) without
/// holding a buffer meanwhile. One per connection, reused for every wait; it flows no execution context.
/// </summary>
internal sealed class ReadinessWait(SocketConnection connection) : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true)
{
    /// <summary>Starts waiting; false when the socket was readable at once (no completion will follow).</summary>
    public bool Start(Socket socket)
    {
        SetBuffer(Memory<byte>.Empty);
        try
        {
            return socket.ReceiveAsync(this);
        }
        catch (ObjectDisposedException)
        {
            // Closed by the listener: reading finds the end of stream.
            return false;
        }
    }

    protected override void OnCompleted(SocketAsyncEventArgs e) => connection.OnReadable(SocketError);
}
