using System.Net;
using Broker.Core.Messaging;
using Broker.Host.Listeners;
using Broker.Host.Options;
using Broker.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Host.Tests.EndToEnd.Support;

/// <summary>
/// The whole broker in this process, as <c>broker run</c> composes it (<see cref="BrokerRuntime"/> and a
/// <see cref="BrokerServer"/>), with only the tcp listener, on 127.0.0.1 and a port the system chooses.
/// A manual clock, when given, drives the broker's time (expiry, timers); the sockets stay real.
/// </summary>
internal sealed class InProcessBroker : IAsyncDisposable
{
    private readonly BrokerRuntime _runtime;
    private readonly BrokerServer _server;
    private readonly List<MqttTestClient> _clients = [];
    private bool _stopped;

    private InProcessBroker(BrokerRuntime runtime, BrokerServer server)
    {
        _runtime = runtime;
        _server = server;
    }

    public IPEndPoint EndPoint => _server.EndPoint("tcp");

    public BrokerMetrics Metrics => _runtime.Context.Metrics;

    public BrokerRuntime Runtime => _runtime;

    public static async Task<InProcessBroker> StartAsync(Action<MqttOptions>? configure = null, TimeProvider? time = null)
    {
        var options = LoopbackOptions.TcpOnly();
        configure?.Invoke(options.Mqtt);
        var runtime = BrokerRuntime.Create(options, NullLoggerFactory.Instance, time);
        var server = new BrokerServer(options.Listeners, runtime.Handler, NullLoggerFactory.Instance);
        using var deadline = new CancellationTokenSource(MqttTestClient.Deadline);
        await server.StartAsync(deadline.Token);
        runtime.StopOnShutdown(server);
        return new InProcessBroker(runtime, server);
    }

    /// <summary>A TCP connection to the broker; nothing sent yet.</summary>
    public async Task<MqttTestClient> OpenAsync(MqttProtocolVersion version = MqttProtocolVersion.V500, int? receiveBufferSize = null, bool read = true)
    {
        var client = await MqttTestClient.OpenAsync(EndPoint, version, receiveBufferSize, read);
        _clients.Add(client);
        return client;
    }

    /// <summary>Opens a connection and completes a CONNECT that must be accepted.</summary>
    public async Task<MqttTestClient> ConnectAsync(string clientId, Func<Broker.Mqtt.Packets.ConnectPacket, Broker.Mqtt.Packets.ConnectPacket>? customize = null, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var client = await OpenAsync(version);
        await client.ConnectAsync(clientId, customize);
        return client;
    }

    /// <summary>The shutdown of <c>broker run</c>: stop accepting, DISCONNECT 0x8B to every client, stop.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var deadline = new CancellationTokenSource(MqttTestClient.Deadline);
        await _runtime.StopAsync(deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await StopAsync();
    }
}
