using System.Net;
using Broker.Host.Options;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Listeners;

/// <summary>
/// The broker's network face: every enabled listener, each handing its connections to one
/// <see cref="MqttConnectionHandler"/>. Shutdown goes in steps so that clients learn why they are
/// disconnected:
/// <code>
///   StopAcceptingAsync     listening sockets closed, live connections untouched
///   (caller)               each connection sends DISCONNECT 0x8B Server shutting down and ends
///   StopAsync(deadline)    what is still open is asked to close, then aborted at the deadline
/// </code>
/// </summary>
public sealed class BrokerServer(ListenersOptions options, MqttConnectionHandler handler, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly List<MqttListener> listeners = [];

    /// <summary>The started listeners; disabled ones are never bound.</summary>
    public IReadOnlyList<MqttListener> Listeners => listeners;

    /// <summary>Where the listener of this key accepts connections.</summary>
    public IPEndPoint EndPoint(string listener) => listeners.Single(l => l.Name == listener).EndPoints[0];

    /// <summary>
    /// Binds every enabled listener, or none: on a failure the ones already bound are stopped and a
    /// <see cref="ListenerStartException"/> names the listener and its address.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, listenerOptions) in options.All().Where(l => l.Listener.Enabled))
        {
            var listener = new MqttListener(name, listenerOptions, handler, loggerFactory);
            listeners.Add(listener);
            try
            {
                await listener.StartAsync(cancellationToken);
            }
            catch
            {
                await StopAsync(CancellationToken.None);
                throw;
            }
        }
    }

    public Task StopAcceptingAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(listeners.Select(l => l.StopAcceptingAsync(cancellationToken)));

    /// <summary>Returns when every connection has ended: on its own, or aborted once <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(listeners.Select(l => l.StopAsync(cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in listeners)
            await listener.DisposeAsync();
        listeners.Clear();
    }
}
