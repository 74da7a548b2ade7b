using System.Net;
using System.Net.Sockets;
using Broker.Host.Listeners;
using Broker.Host.Options;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Host.Tests.Listeners;

/// <summary>
/// Starts a <see cref="BrokerServer"/> on 127.0.0.1 with ports chosen by the system (port 0) and
/// an echo handler; every wait is bounded by one timeout.
/// </summary>
public abstract class ListenerTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly List<BrokerServer> servers = [];

    private protected EchoHandler Echo { get; } = new();

    protected CancellationTokenSource Timeout { get; } = new(Limit);

    /// <summary>Every listener disabled, bound to 127.0.0.1 port 0: tests enable the ones they need.</summary>
    protected static ListenersOptions NoListeners()
    {
        var listeners = new ListenersOptions();
        foreach (var (_, listener) in listeners.All())
        {
            listener.Enabled = false;
            listener.Bind = "127.0.0.1";
            listener.Port = 0;
        }
        return listeners;
    }

    protected async Task<BrokerServer> Start(ListenersOptions listeners, MqttConnectionHandler? handler = null)
    {
        var server = new BrokerServer(listeners, handler ?? Echo.Handler, NullLoggerFactory.Instance);
        servers.Add(server);
        await server.StartAsync(Timeout.Token);
        return server;
    }

    protected async Task<TcpClient> Connect(IPEndPoint endpoint)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(endpoint, Timeout.Token);
        return client;
    }

    /// <summary>Writes the bytes and reads back as many, or fewer if the server closes first.</summary>
    protected async Task<byte[]> RoundTrip(Stream stream, byte[] bytes)
    {
        await stream.WriteAsync(bytes, Timeout.Token);
        await stream.FlushAsync(Timeout.Token);
        var received = new byte[bytes.Length];
        var total = 0;
        while (total < received.Length)
        {
            var read = await stream.ReadAsync(received.AsMemory(total), Timeout.Token);
            if (read == 0)
                break;
            total += read;
        }
        return received[..total];
    }

    /// <summary>True when the server closed (or reset) the connection without sending anything.</summary>
    protected async Task<bool> ClosedByServer(Stream stream)
    {
        try
        {
            var buffer = new byte[16];
            return await stream.ReadAsync(buffer, Timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in servers)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await server.StopAcceptingAsync(deadline.Token);
            await server.StopAsync(deadline.Token);
            await server.DisposeAsync();
        }
        Timeout.Dispose();
    }
}
