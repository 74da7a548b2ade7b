using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Broker.Tests;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// A broker running as a separate process on free loopback ports: this repository's (<c>dotnet broker.dll</c>
/// from the test output, where the Host project reference puts it) or Debian's mosquitto. Ready once its TCP
/// port accepts a connection; stopped by its pid, SIGTERM first and SIGKILL after a grace period.
/// </summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly CapturedProcess _process;
    private readonly string _workDir;

    private BrokerProcess(
        CapturedProcess process, BrokerEndpoint endpoint, string workDir, string? management = null, string? dataDir = null, string? dashboard = null)
    {
        _process = process;
        Endpoint = endpoint;
        _workDir = workDir;
        Management = management;
        DataDir = dataDir ?? Path.Combine(workDir, "data");
        Dashboard = dashboard;
    }

    public BrokerEndpoint Endpoint { get; }

    /// <summary>Our broker's management endpoint, host:port (each process has its own port); null for mosquitto.</summary>
    public string? Management { get; }

    /// <summary>Our broker's dashboard listener (dashboard.listeners.http), host:port; null for mosquitto.</summary>
    public string? Dashboard { get; }

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The broker's stdout and stderr so far, and a mark to show only what came after it.</summary>
    public CapturedProcess Output => _process;

    /// <summary>Starts a broker of the kind INTEROP_BROKER names: ours (the default) or mosquitto.</summary>
    public static Task<BrokerProcess> StartTargetAsync() => BrokerTarget.Kind switch
    {
        BrokerTargetKind.Ours => StartOursAsync(),
        BrokerTargetKind.Mosquitto => StartMosquittoAsync(),
        _ => throw new InvalidOperationException($"{BrokerTarget.Variable} names an external broker: no process to start"),
    };

    /// <summary>Starts this repository's broker; <paramref name="extraArgs"/> are more --key=value settings.</summary>
    public static Task<BrokerProcess> StartOursAsync(params string[] extraArgs) => StartOursCoreAsync(netns: null, extraArgs);

    /// <summary>
    /// Starts this repository's broker inside the network namespace <paramref name="netns"/> (<c>ip netns exec</c>, which
    /// execs: the pid is the broker's), its listeners and management endpoint on that namespace's loopback; ready once it
    /// logs that it started, since this process cannot connect into the namespace.
    /// </summary>
    public static Task<BrokerProcess> StartOursInNamespaceAsync(string netns, params string[] extraArgs) => StartOursCoreAsync(netns, extraArgs);

    private static Task<BrokerProcess> StartOursCoreAsync(string? netns, string[] extraArgs)
    {
        var dll = BrokerDll();
        var (tcp, ws, management, dashboard) = (UnassignedPorts.Next(), UnassignedPorts.Next(), UnassignedPorts.Next(), UnassignedPorts.Next());
        var workDir = Directory.CreateTempSubdirectory("broker-interop-").FullName;
        string[] args =
        [
            dll,
            $"--listeners.tcp.port={tcp}", "--listeners.tcp.bind=127.0.0.1",
            $"--listeners.ws.port={ws}", "--listeners.ws.bind=127.0.0.1",
            $"--management.http.port={management}", "--management.http.bind=127.0.0.1",
            // Side by side with other brokers: none may take the dashboard's default 0.0.0.0:18083; a port known up
            // front, for the dashboard's tests to open in the browser.
            $"--dashboard.listeners.http.bind=127.0.0.1:{dashboard}",
            $"--node.data_dir={Path.Combine(workDir, "data")}",
            .. extraArgs,
        ];
        // The child must not pick up BROKER_ overrides from whoever runs the tests.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("BROKER_", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(k => k, _ => (string?)null);
        var process = netns is null
            ? CapturedProcess.Start("broker", DotnetHost(), args, workingDirectory: workDir, environment: environment)
            : CapturedProcess.Start($"broker in {netns}", Tools.Executable("ip"), ["netns", "exec", netns, DotnetHost(), .. args], workingDirectory: workDir, environment: environment);
        var endpoint = new BrokerEndpoint("127.0.0.1", tcp, new Uri($"ws://127.0.0.1:{ws}/mqtt"));
        // The last --node.data_dir wins, as in the broker's own reading of its arguments.
        var dataDir = args.LastOrDefault(a => a.StartsWith("--node.data_dir=", StringComparison.Ordinal))?["--node.data_dir=".Length..];
        var broker = new BrokerProcess(process, endpoint, workDir, $"127.0.0.1:{management}", dataDir, $"127.0.0.1:{dashboard}");
        return netns is null ? WhenReadyAsync(broker) : WhenStartedAsync(broker);
    }

    /// <summary>Starts Debian's mosquitto with anonymous access, a TCP and a WebSocket listener.</summary>
    public static Task<BrokerProcess> StartMosquittoAsync()
    {
        Tools.Require(Tools.Mosquitto);
        var (tcp, ws) = (UnassignedPorts.Next(), UnassignedPorts.Next());
        var workDir = Directory.CreateTempSubdirectory("mosquitto-interop-").FullName;
        var config = Path.Combine(workDir, "mosquitto.conf");
        File.WriteAllText(config, $"""
            per_listener_settings false
            allow_anonymous true
            listener {tcp} 127.0.0.1
            listener {ws} 127.0.0.1
            protocol websockets
            """);
        var process = CapturedProcess.Start("mosquitto", Tools.Executable(Tools.Mosquitto), ["-c", config], workingDirectory: workDir);
        var endpoint = new BrokerEndpoint("127.0.0.1", tcp, new Uri($"ws://127.0.0.1:{ws}/mqtt"));
        return WhenReadyAsync(new BrokerProcess(process, endpoint, workDir));
    }

    /// <summary>
    /// <c>broker ctl &lt;args&gt; --management &lt;this broker's endpoint&gt;</c> as its own process, to its exit (bounded);
    /// the caller reads its exit code and transcript.
    /// </summary>
    public async Task<CapturedProcess> CtlAsync(ITestOutputHelper output, params string[] args)
    {
        var management = Management ?? throw new InvalidOperationException("Only our broker has a management endpoint.");
        // The node's own credential, found as an operator's ctl finds it: in the node's data directory.
        var ctl = CapturedProcess.Start("broker ctl", DotnetHost(), [BrokerDll(), "ctl", .. args, "--management", management, $"--node.data_dir={DataDir}"], output);
        await ctl.WaitForExitAsync(StartTimeout);
        return ctl;
    }

    /// <summary>Our broker's node.data_dir, where it keeps the credential of <c>broker ctl</c> (ctl_api_key).</summary>
    public string DataDir { get; }

    /// <summary>
    /// A client of the management endpoint's /api/v5 with the node's own credential (HTTP Basic, as <c>broker ctl</c>
    /// sends it): the one place where tests against our broker's API get credentials.
    /// </summary>
    public HttpClient ApiClient()
    {
        var management = Management ?? throw new InvalidOperationException("Only our broker has a management endpoint.");
        var credential = File.ReadAllText(Path.Combine(DataDir, "ctl_api_key")).Trim();
        var http = new HttpClient { BaseAddress = new Uri($"http://{management}"), Timeout = StartTimeout };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credential)));
        return http;
    }

    /// <summary>The statuses of the members this node's management endpoint shows, by node name (GET /cluster/members).</summary>
    public async Task<IReadOnlyDictionary<string, string>> MemberStatusesAsync()
    {
        using var http = new HttpClient { Timeout = StartTimeout };
        using var members = JsonDocument.Parse(await http.GetStringAsync($"http://{Management}/cluster/members"));
        return members.RootElement.GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("node").GetString()!, m => m.GetProperty("status").GetString()!);
    }

    /// <summary>SIGTERM: the broker's orderly stop.</summary>
    public void Terminate() => Signals.Terminate(Pid);

    /// <summary>SIGKILL (kill -9): the node vanishes without a word to anyone, as in a power cut.</summary>
    public void Kill() => _process.Kill();

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    /// <summary>SIGTERM, then SIGKILL when it has not exited after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
            return;
        try
        {
            Terminate();
            await _process.WaitForExitAsync(grace);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            _process.Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(StopTimeout);
        _process.Dispose();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still held open: the temp folder is cleaned by the system later.
        }
    }

    private static async Task<BrokerProcess> WhenReadyAsync(BrokerProcess broker)
    {
        try
        {
            await WaitUntilAcceptingAsync(broker);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Once the broker has logged that its listeners started (BrokerService), bounded.</summary>
    private static async Task<BrokerProcess> WhenStartedAsync(BrokerProcess broker)
    {
        try
        {
            await broker._process.WaitForLineAsync(line => line.Contains("Broker started", StringComparison.Ordinal), StartTimeout, "the broker's start");
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Tries to connect until the TCP port accepts; between attempts it waits for the broker to write
    /// something or for a short back-off, whichever comes first, and stops early if the broker exits.
    /// </summary>
    private static async Task WaitUntilAcceptingAsync(BrokerProcess broker)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var backoff = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            if (broker.HasExited)
                throw new InvalidOperationException($"The broker exited before accepting connections.\n{broker._process.Describe()}");
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                try
                {
                    using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, broker.Endpoint.Port), attempt.Token);
                    return;
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    // Not listening yet.
                }
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(
                    $"The broker did not accept TCP connections on 127.0.0.1:{broker.Endpoint.Port} within {StartTimeout.TotalSeconds} s.\n{broker._process.Describe()}");
            await broker._process.WaitForOutputAfterAsync(broker._process.TranscriptCount, backoff);
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 500));
        }
    }

    private static string BrokerDll()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "broker.dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"{dll} not found: the test project references src/Broker.Host so that the build puts it there");
        return dll;
    }

    /// <summary>The muxer running these tests when it is one (dotnet test), so the child uses the same SDK install.</summary>
    private static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
