using System.Net;
using System.Net.WebSockets;
using Broker.Host.Listeners;
using Broker.Host.Options;
using Broker.Tests;

namespace Broker.Host.Tests.Listeners;

/// <summary>The ws and wss listeners, driven by .NET's ClientWebSocket.</summary>
public sealed class WebSocketListenerTests : ListenerTestBase, IDisposable
{
    private readonly TestCertificates certificates = new();

    public void Dispose() => certificates.Dispose();

    private static ListenersOptions Ws()
    {
        var listeners = NoListeners();
        listeners.Ws.Enabled = true;
        return listeners;
    }

    private ListenersOptions Wss()
    {
        var listeners = NoListeners();
        listeners.Wss.Enabled = true;
        listeners.Wss.CertFile = certificates.CertFile;
        listeners.Wss.KeyFile = certificates.KeyFile;
        return listeners;
    }

    private async Task<ClientWebSocket> ConnectWs(Uri uri, params string[] subprotocols)
    {
        var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        client.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate?.GetCertHashString() == certificates.Server.GetCertHashString();
        foreach (var subprotocol in subprotocols)
            client.Options.AddSubProtocol(subprotocol);
        await client.ConnectAsync(uri, Timeout.Token);
        return client;
    }

    private static Uri Uri(string scheme, IPEndPoint endpoint, string path) => new($"{scheme}://{endpoint}{path}");

    private async Task<byte[]> ReceiveBytes(WebSocket client, int count)
    {
        var received = new List<byte>();
        var buffer = new byte[1024];
        while (received.Count < count)
        {
            var result = await client.ReceiveAsync(buffer, Timeout.Token);
            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            received.AddRange(buffer[..result.Count]);
        }
        return [.. received];
    }

    private async Task<HttpStatusCode> RefusedStatus(Uri uri, params string[] subprotocols)
    {
        var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        foreach (var subprotocol in subprotocols)
            client.Options.AddSubProtocol(subprotocol);
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(uri, Timeout.Token));
        return client.HttpStatusCode;
    }

    [Fact]
    public async Task MQTT_6_0_0_4_the_mqtt_subprotocol_is_chosen_and_binary_messages_carry_the_bytes()
    {
        var server = await Start(Ws());
        using var client = await ConnectWs(Uri("ws", server.EndPoint("ws"), "/mqtt"), "mqtt");
        Assert.Equal("mqtt", client.SubProtocol);

        await client.SendAsync(new byte[] { 0xC0, 0x00 }, WebSocketMessageType.Binary, true, Timeout.Token);
        Assert.Equal(new byte[] { 0xC0, 0x00 }, await ReceiveBytes(client, 2));

        var metadata = await Echo.FirstConnection.WaitAsync(Timeout.Token);
        Assert.Equal("ws", metadata.Listener);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)metadata.RemoteEndPoint!).Address);
    }

    [Fact]
    public async Task MQTT_6_0_0_2_packets_spanning_and_sharing_frames_are_one_stream()
    {
        var server = await Start(Ws());
        using var client = await ConnectWs(Uri("ws", server.EndPoint("ws"), "/mqtt"), "mqtt");

        // One packet across two frames, then two packets in one frame.
        await client.SendAsync(new byte[] { 0x30, 0x03 }, WebSocketMessageType.Binary, false, Timeout.Token);
        await client.SendAsync(new byte[] { 0x00, 0x01, 0x61 }, WebSocketMessageType.Binary, true, Timeout.Token);
        await client.SendAsync(new byte[] { 0xC0, 0x00, 0xE0, 0x00 }, WebSocketMessageType.Binary, true, Timeout.Token);

        Assert.Equal(new byte[] { 0x30, 0x03, 0x00, 0x01, 0x61, 0xC0, 0x00, 0xE0, 0x00 }, await ReceiveBytes(client, 9));
    }

    [Fact]
    public async Task The_mqttv3_1_subprotocol_of_old_clients_is_accepted()
    {
        var server = await Start(Ws());
        using var client = await ConnectWs(Uri("ws", server.EndPoint("ws"), "/mqtt"), "mqttv3.1");
        Assert.Equal("mqttv3.1", client.SubProtocol);
    }

    [Fact]
    public async Task MQTT_6_0_0_3_a_client_offering_no_mqtt_subprotocol_is_refused()
    {
        var server = await Start(Ws());
        Assert.Equal(HttpStatusCode.BadRequest, await RefusedStatus(Uri("ws", server.EndPoint("ws"), "/mqtt")));
        Assert.Equal(HttpStatusCode.BadRequest, await RefusedStatus(Uri("ws", server.EndPoint("ws"), "/mqtt"), "chat"));
        Assert.Empty(Echo.Connections);
    }

    [Fact]
    public async Task Another_path_is_not_found()
    {
        var server = await Start(Ws());
        Assert.Equal(HttpStatusCode.NotFound, await RefusedStatus(Uri("ws", server.EndPoint("ws"), "/other"), "mqtt"));
        Assert.Empty(Echo.Connections);
    }

    [Fact]
    public async Task A_plain_http_request_is_told_to_upgrade()
    {
        var server = await Start(Ws());
        using var http = new HttpClient();
        using var response = await http.GetAsync(Uri("http", server.EndPoint("ws"), "/mqtt"), Timeout.Token);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    [Fact]
    public async Task The_configured_path_is_served()
    {
        var listeners = Ws();
        listeners.Ws.Path = "/broker/ws";
        var server = await Start(listeners);
        using var client = await ConnectWs(Uri("ws", server.EndPoint("ws"), "/broker/ws"), "mqtt");
        Assert.Equal("mqtt", client.SubProtocol);
    }

    [Fact]
    public async Task A_closing_handler_closes_the_websocket_with_a_close_frame()
    {
        var server = await Start(Ws(), handler: (transport, _, _) => transport.Output.CompleteAsync().AsTask());
        using var client = await ConnectWs(Uri("ws", server.EndPoint("ws"), "/mqtt"), "mqtt");

        var result = await client.ReceiveAsync(new byte[16], Timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, result.CloseStatus);
    }

    [Fact]
    public async Task A_connection_beyond_max_connections_is_refused()
    {
        var listeners = Ws();
        listeners.Ws.MaxConnections = 1;
        var server = await Start(listeners);
        using var first = await ConnectWs(Uri("ws", server.EndPoint("ws"), "/mqtt"), "mqtt");

        using var second = new ClientWebSocket();
        second.Options.AddSubProtocol("mqtt");
        await Assert.ThrowsAsync<WebSocketException>(() => second.ConnectAsync(Uri("ws", server.EndPoint("ws"), "/mqtt"), Timeout.Token));

        await first.SendAsync(new byte[] { 1 }, WebSocketMessageType.Binary, true, Timeout.Token);
        Assert.Equal(new byte[] { 1 }, await ReceiveBytes(first, 1));
    }

    [Fact]
    public async Task Wss_serves_mqtt_over_tls()
    {
        var server = await Start(Wss());
        using var client = await ConnectWs(Uri("wss", server.EndPoint("wss"), "/mqtt"), "mqtt");
        Assert.Equal("mqtt", client.SubProtocol);

        await client.SendAsync(new byte[] { 0xC0, 0x00 }, WebSocketMessageType.Binary, true, Timeout.Token);
        Assert.Equal(new byte[] { 0xC0, 0x00 }, await ReceiveBytes(client, 2));
        Assert.Equal("wss", (await Echo.FirstConnection.WaitAsync(Timeout.Token)).Listener);
    }

    [Fact]
    public async Task Stop_accepting_keeps_live_websockets()
    {
        var server = await Start(Ws());
        var endpoint = server.EndPoint("ws");
        using var live = await ConnectWs(Uri("ws", endpoint, "/mqtt"), "mqtt");

        await server.StopAcceptingAsync(Timeout.Token);

        using var late = new ClientWebSocket();
        late.Options.AddSubProtocol("mqtt");
        await Assert.ThrowsAsync<WebSocketException>(() => late.ConnectAsync(Uri("ws", endpoint, "/mqtt"), Timeout.Token));
        await live.SendAsync(new byte[] { 5 }, WebSocketMessageType.Binary, true, Timeout.Token);
        Assert.Equal(new byte[] { 5 }, await ReceiveBytes(live, 1));
    }
}
