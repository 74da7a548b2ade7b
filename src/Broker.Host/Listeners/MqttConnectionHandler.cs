using System.IO.Pipelines;
using Broker.Transport.Connections;

namespace Broker.Host.Listeners;

/// <summary>
/// Serves one MQTT connection, whatever listener it came through, until it ends: the task's end is
/// the connection's end. <paramref name="aborted"/> fires when the transport is gone (peer reset,
/// server forced shutdown); nothing can be sent any more then.
/// </summary>
public delegate Task MqttConnectionHandler(IDuplexPipe transport, ConnectionMetadata metadata, CancellationToken aborted);
