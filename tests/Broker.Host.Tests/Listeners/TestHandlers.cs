using System.Collections.Concurrent;
using System.IO.Pipelines;
using Broker.Host.Listeners;
using Broker.Transport.Connections;

namespace Broker.Host.Tests.Listeners;

/// <summary>An MQTT connection stand-in: echoes every byte back and records who connected.</summary>
internal sealed class EchoHandler
{
    private readonly ConcurrentQueue<ConnectionMetadata> connections = new();
    private readonly TaskCompletionSource<ConnectionMetadata> firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<ConnectionMetadata> Connections => connections;

    /// <summary>Completes when the handler is first called.</summary>
    public Task<ConnectionMetadata> FirstConnection => firstConnection.Task;

    public MqttConnectionHandler Handler => HandleAsync;

    private async Task HandleAsync(IDuplexPipe transport, ConnectionMetadata metadata, CancellationToken aborted)
    {
        connections.Enqueue(metadata);
        firstConnection.TrySetResult(metadata);
        while (true)
        {
            var result = await transport.Input.ReadAsync(aborted);
            foreach (var segment in result.Buffer)
                await transport.Output.WriteAsync(segment, aborted);
            transport.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
                break;
        }
        await transport.Output.CompleteAsync();
    }
}
