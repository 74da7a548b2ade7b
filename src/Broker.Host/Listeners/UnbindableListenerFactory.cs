using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Broker.Host.Listeners;

/// <summary>
/// Kestrel's transport, with a way to close the listening sockets while accepted connections go
/// on. Kestrel's own StopAsync unbinds and then closes every connection in one step; the broker must
/// stop accepting first, then tell each client why it is disconnected. Kestrel's accept loop ends
/// quietly when the listener stops accepting, and its own later unbind finds the socket closed.
/// </summary>
internal sealed class UnbindableListenerFactory(IConnectionListenerFactory inner) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly Lock gate = new();
    private readonly List<IConnectionListener> listeners = [];

    /// <summary>The addresses actually bound: with port 0 in configuration, the port the system chose.</summary>
    public IReadOnlyList<EndPoint> BoundEndPoints
    {
        get
        {
            lock (gate)
                return [.. listeners.Select(l => l.EndPoint)];
        }
    }

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = await inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
        lock (gate)
            listeners.Add(listener);
        return listener;
    }

    public bool CanBind(EndPoint endpoint) => inner is not IConnectionListenerFactorySelector selector || selector.CanBind(endpoint);

    public async Task UnbindAllAsync(CancellationToken cancellationToken)
    {
        List<IConnectionListener> bound;
        lock (gate)
            bound = [.. listeners];
        foreach (var listener in bound)
            await listener.UnbindAsync(cancellationToken).ConfigureAwait(false);
    }
}
