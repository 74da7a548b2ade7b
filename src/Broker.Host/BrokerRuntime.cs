using Broker.Host.Listeners;
using Broker.Host.Options;
using Broker.Transport.Connections;
using Microsoft.Extensions.Logging;

namespace Broker.Host;

/// <summary>
/// The single composition point: the one place where the broker's parts (actor system, router,
/// session registry) are made, joined, and later stopped. The listeners only see
/// <see cref="Handler"/>; <c>broker run</c> drives the lifetime:
/// <code>
///   Create -> listeners started with Handler
///   shutdown: listeners stop accepting -> CloseConnectionsAsync -> listeners stopped -> DisposeAsync
/// </code>
/// </summary>
public sealed class BrokerRuntime : IAsyncDisposable
{
    private BrokerRuntime(MqttConnectionHandler handler)
    {
        Handler = handler;
    }

    /// <summary>Serves each accepted connection.</summary>
    public MqttConnectionHandler Handler { get; }

    public static BrokerRuntime Create(BrokerOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        // INTEGRATION POINT: create the ActorSystem, the router and the session registry here, a
        // BrokerContext with options.Mqtt.ToSettings(), and return
        //   (transport, metadata, aborted) => MqttConnection.RunAsync(transport, metadata, context, aborted)
        // Until then every connection is closed as soon as it is accepted.
        return new BrokerRuntime(CloseAtOnce);
    }

    /// <summary>
    /// Called once the listeners accept no more connections: each live connection is to send
    /// DISCONNECT 0x8B Server shutting down (5.0 clients; 3.x ones are just closed), flush it, and end.
    /// Returns when they have, or when <paramref name="cancellationToken"/> gives up waiting.
    /// </summary>
    public Task CloseConnectionsAsync(CancellationToken cancellationToken)
    {
        // INTEGRATION POINT: tell every connection to close with 0x8B and await them.
        return Task.CompletedTask;
    }

    /// <summary>Stops what <see cref="Create"/> started, after the connections are gone.</summary>
    public ValueTask DisposeAsync()
    {
        // INTEGRATION POINT: stop the actor system (its coordinated shutdown).
        return ValueTask.CompletedTask;
    }

    private static async Task CloseAtOnce(System.IO.Pipelines.IDuplexPipe transport, ConnectionMetadata metadata, CancellationToken aborted)
    {
        await transport.Output.CompleteAsync();
        await transport.Input.CompleteAsync();
    }
}
