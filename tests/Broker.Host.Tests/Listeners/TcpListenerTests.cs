using System.Net;
using System.Net.Sockets;
using Broker.Host.Listeners;
using Broker.Host.Options;

namespace Broker.Host.Tests.Listeners;

/// <summary>The tcp listener's contract, on each transport that can carry it.</summary>
public abstract class TcpListenerTests(ListenerTransport transport) : ListenerTestBase
{
    private Broker.Host.Options.ListenersOptions Tcp(int maxConnections = 100)
    {
        var listeners = NoListeners();
        listeners.Tcp.Enabled = true;
        listeners.Tcp.MaxConnections = maxConnections;
        listeners.Tcp.Transport = transport;
        return listeners;
    }

    [Fact]
    public async Task Bytes_reach_the_handler_and_its_answer_reaches_the_client()
    {
        var server = await Start(Tcp());
        using var client = await Connect(server.EndPoint("tcp"));

        Assert.Equal(new byte[] { 0x10, 0x02, 0x00, 0x04 }, await RoundTrip(client.GetStream(), [0x10, 0x02, 0x00, 0x04]));

        var metadata = await Echo.FirstConnection.WaitAsync(Timeout.Token);
        Assert.Equal("tcp", metadata.Listener);
        Assert.Equal(client.Client.LocalEndPoint, metadata.RemoteEndPoint);
        Assert.Equal(server.EndPoint("tcp"), metadata.LocalEndPoint);
        Assert.Null(metadata.ClientCertificate);
    }

    [Fact]
    public async Task The_port_chosen_by_the_system_is_reported()
    {
        var server = await Start(Tcp());
        var endpoint = server.EndPoint("tcp");
        Assert.Equal(IPAddress.Loopback, endpoint.Address);
        Assert.NotEqual(0, endpoint.Port);
    }

    [Fact]
    public async Task Disabled_listeners_are_not_bound()
    {
        var listeners = Tcp();
        var server = await Start(listeners);
        Assert.Equal(["tcp"], server.Listeners.Select(l => l.Name));
        Assert.Single(server.Listeners[0].EndPoints);
    }

    [Fact]
    public async Task A_connection_beyond_max_connections_is_closed_at_once()
    {
        var server = await Start(Tcp(maxConnections: 1));
        using var first = await Connect(server.EndPoint("tcp"));
        Assert.Equal(new byte[] { 1 }, await RoundTrip(first.GetStream(), [1]));

        using var second = await Connect(server.EndPoint("tcp"));
        Assert.True(await ClosedByServer(second.GetStream()));

        // The first one is still served.
        Assert.Equal(new byte[] { 2 }, await RoundTrip(first.GetStream(), [2]));
        Assert.Equal(1, server.Listeners[0].Connections.Current);
        Assert.Single(Echo.Connections);
    }

    [Fact]
    public async Task Two_listeners_on_one_port_fail_to_start_naming_the_listener_and_address()
    {
        var first = await Start(Tcp());
        var port = first.EndPoint("tcp").Port;
        var listeners = NoListeners();
        listeners.Ws.Enabled = true;
        listeners.Ws.Port = port;

        var error = await Assert.ThrowsAsync<ListenerStartException>(() => Start(listeners));
        Assert.Equal("ws", error.Listener);
        Assert.StartsWith($"listeners.ws: cannot listen on 127.0.0.1:{port}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_accepting_closes_the_port_and_keeps_live_connections()
    {
        var server = await Start(Tcp());
        var endpoint = server.EndPoint("tcp");
        using var live = await Connect(endpoint);
        Assert.Equal(new byte[] { 1 }, await RoundTrip(live.GetStream(), [1]));

        await server.StopAcceptingAsync(Timeout.Token);

        var refused = await Assert.ThrowsAsync<SocketException>(async () => (await Connect(endpoint)).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal(new byte[] { 2 }, await RoundTrip(live.GetStream(), [2]));
    }

    [Fact]
    public async Task Stop_ends_the_connections_left()
    {
        var server = await Start(Tcp());
        using var live = await Connect(server.EndPoint("tcp"));
        Assert.Equal(new byte[] { 1 }, await RoundTrip(live.GetStream(), [1]));

        await server.StopAcceptingAsync(Timeout.Token);
        using var deadline = new CancellationTokenSource();
        await deadline.CancelAsync();
        await server.StopAsync(deadline.Token);

        Assert.True(await ClosedByServer(live.GetStream()));
    }
}

public sealed class SocketsTcpListenerTests() : TcpListenerTests(ListenerTransport.Sockets);

public sealed class KestrelTcpListenerTests() : TcpListenerTests(ListenerTransport.Kestrel);
