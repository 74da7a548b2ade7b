using Microsoft.Extensions.Hosting;

namespace Broker.Host.Listeners;

/// <summary>
/// The lifetime of a listener's inner web host: none of its own. The default one would catch
/// Ctrl+C and SIGTERM and stop the listener by itself, closing connections before the broker has
/// told the clients why; the broker's host decides the shutdown order instead.
/// </summary>
internal sealed class ListenerHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
