using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Broker.Host.Listeners;
using Broker.Host.Management;
using Broker.Host.Options;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Host.Tests.Management;

/// <summary>
/// A node as <c>broker run</c> composes it (<see cref="BrokerRuntime"/>, its management endpoint, then its tcp
/// listener), on loopback: the management endpoint and the listener on ports the system chooses, the cluster endpoint
/// on a free port fixed up front (manual discovery names the node with it). Not in a cluster until joined, unless
/// <c>configure</c> says otherwise.
/// </summary>
internal sealed class ManagedNode : IAsyncDisposable
{
    private readonly string _dataDir;
    private readonly List<MqttTestClient> _clients = [];
    private BrokerServer? _server;

    private readonly BrokerOptions _options;

    private ManagedNode(BrokerOptions options, BrokerRuntime runtime, ManagementServer management, DashboardServer dashboard, int clusterPort, string dataDir)
    {
        _options = options;
        Runtime = runtime;
        Management = management;
        Dashboard = dashboard;
        ClusterEndpoint = $"127.0.0.1:{clusterPort}";
        _dataDir = dataDir;
        Http = new HttpClient { BaseAddress = new Uri($"http://{management.EndPoint}"), Timeout = TimeSpan.FromSeconds(30) };
        // The one place where tests of the API get credentials: the node's own, as broker ctl sends it.
        var credential = runtime.Access.NodeCredential!;
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{credential.Key}:{credential.Secret}")));
    }

    public BrokerRuntime Runtime { get; }

    public ManagementServer Management { get; }

    /// <summary>The dashboard listener, on a port of its own (127.0.0.1:0).</summary>
    public DashboardServer Dashboard { get; }

    /// <summary>The management endpoint's /api/v5 with the node's own credential (HTTP Basic).</summary>
    public HttpClient Http { get; }

    /// <summary>node.data_dir, where the node keeps broker ctl's credential.</summary>
    public string DataDir => _dataDir;

    /// <summary>A client of <paramref name="endPoint"/> (the management endpoint or the dashboard listener) without credentials.</summary>
    public static HttpClient Anonymous(IPEndPoint endPoint) => new() { BaseAddress = new Uri($"http://{endPoint}"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>This node's cluster endpoint, host:port: what another node joins.</summary>
    public string ClusterEndpoint { get; }

    public IPEndPoint MqttEndPoint => _server!.EndPoint("tcp");

    /// <summary>Starts the runtime and its management endpoint; the listener too unless <paramref name="listen"/> is false.</summary>
    public static async Task<ManagedNode> StartAsync(string clusterName, bool listen = true, Action<BrokerOptions>? configure = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("broker-management-").FullName;
        var port = UnassignedPorts.Next();
        var options = LoopbackOptions.TcpOnly();
        options.Node.DataDir = dataDir;
        options.Persistence.Durability = PersistenceDurability.None;
        options.Cluster.Name = clusterName;
        options.Cluster.Bind = "127.0.0.1";
        options.Cluster.Port = port;
        options.Management.Http.Port = 0;
        options.Dashboard.Listeners.Http.Bind = "127.0.0.1:0";
        configure?.Invoke(options);
        var runtime = await BrokerRuntime.CreateAsync(options, NullLoggerFactory.Instance);
        var management = new ManagementServer(options.Management.Http, runtime, NullLoggerFactory.Instance);
        runtime.StopOnShutdown(management);
        using var deadline = new CancellationTokenSource(MqttTestClient.Deadline);
        await management.StartAsync(deadline.Token);
        var dashboard = new DashboardServer(options.Dashboard.Listeners.Http, runtime, NullLoggerFactory.Instance);
        runtime.StopOnShutdown(dashboard);
        await dashboard.StartAsync(deadline.Token);
        var node = new ManagedNode(options, runtime, management, dashboard, port, dataDir);
        if (listen)
        {
            await node.ListenAsync();
        }

        return node;
    }

    /// <summary>Opens the tcp listener, as <c>broker run</c> does once the management endpoint is up.</summary>
    public async Task ListenAsync()
    {
        var server = new BrokerServer(_options.Listeners, Runtime.Handler, NullLoggerFactory.Instance);
        using var deadline = new CancellationTokenSource(MqttTestClient.Deadline);
        await server.StartAsync(deadline.Token);
        Runtime.StopOnShutdown(server);
        _server = server;
    }

    public async Task<MqttTestClient> ConnectAsync(string clientId, string? username = null)
    {
        var client = await MqttTestClient.OpenAsync(MqttEndPoint, MqttProtocolVersion.V500, receiveBufferSize: null, read: true);
        _clients.Add(client);
        await client.ConnectAsync(clientId, username is null ? null : connect => connect with { UserName = username });
        return client;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return (response.StatusCode, await BodyAsync(response));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, Dictionary<string, string>? form = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = form is null ? null : new FormUrlEncodedContent(form) };
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await BodyAsync(response));
    }

    /// <summary>A request with a JSON body, as the /api/v5 routes take; an empty body comes back as an undefined element.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendJsonAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentLength == 0 ? default : await BodyAsync(response));
    }

    /// <summary>A CONNECT with credentials on a client of its own: the CONNACK, whatever it says.</summary>
    public async Task<ConnAckPacket> LoginAsync(string clientId, string username, string password)
    {
        using var client = await MqttTestClient.OpenAsync(MqttEndPoint, MqttProtocolVersion.V500, receiveBufferSize: null, read: true);
        return await client.SendConnectAsync(new ConnectPacket
        {
            ClientId = clientId,
            CleanStart = true,
            UserName = username,
            Password = System.Text.Encoding.UTF8.GetBytes(password),
        });
    }

    /// <summary>Joins the cluster of the node at <paramref name="endpoint"/> through POST /cluster/members, which must accept.</summary>
    public async Task JoinAsync(string endpoint)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/cluster/members", new() { ["address"] = endpoint });
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
    }

    /// <summary>The statuses of the members this node sees, by node name.</summary>
    public async Task<Dictionary<string, string>> MemberStatusesAsync()
    {
        var (_, body) = await GetAsync("/cluster/members");
        return body.GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("node").GetString()!, m => m.GetProperty("status").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        Http.Dispose();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await Runtime.StopAsync(deadline.Token);
        }

        Directory.Delete(_dataDir, recursive: true);
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

}
