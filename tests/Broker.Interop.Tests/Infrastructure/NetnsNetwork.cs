using System.Diagnostics;
using System.Text.Json;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// A private network of network namespaces for partition tests: a bridge in a namespace of its own, and one namespace
/// per node, joined to the bridge by a veth pair, with an address in a private /24 (10.199.x.0/24, node i at .i+1) and
/// its loopback up. Nothing is routed outside these namespaces. Every name carries a random suffix, so parallel runs
/// never meet. <see cref="Cut"/> takes a node's veth down at the bridge (its peers time out on it, as in a partition),
/// <see cref="Heal"/> brings it up. Each node also has a link of its own to this (the root) namespace, 10.198.x.(4i+1)
/// here and (4i+2) there (<see cref="StorageAddress"/>), which a cut leaves up: the way to a database every node still
/// reaches during a partition, as a database beside a cluster usually is. Disposing kills whatever still runs inside the namespaces (the processes the test
/// started there), then deletes them, which removes the veths and the bridge with them; it goes on past failures.
/// </summary>
public sealed class NetnsNetwork : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    private readonly ITestOutputHelper _output;
    private readonly string _suffix;
    private readonly List<string> _created = [];

    private NetnsNetwork(ITestOutputHelper output, string suffix, int subnet)
    {
        _output = output;
        _suffix = suffix;
        Subnet = subnet;
        BridgeNamespace = $"brk-br-{suffix}";
    }

    /// <summary>The third byte of the network, 10.199.<see cref="Subnet"/>.0/24.</summary>
    public int Subnet { get; }

    public string BridgeNamespace { get; }

    /// <summary>The nodes' namespaces, by node index.</summary>
    public List<string> Namespaces { get; } = [];

    /// <summary>Creates the bridge and <paramref name="nodes"/> namespaces; anything made before a failure is removed.</summary>
    public static NetnsNetwork Create(ITestOutputHelper output, int nodes)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var network = new NetnsNetwork(output, suffix, Random.Shared.Next(1, 255));
        try
        {
            network.Build(nodes);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The address in this namespace that node <paramref name="node"/> reaches over its own link, cut or not.</summary>
    public string StorageAddress(int node) => $"10.198.{Subnet}.{4 * node + 1}";

    /// <summary>Node <paramref name="node"/>'s address on the bridge.</summary>
    public string Address(int node) => $"10.199.{Subnet}.{node + 1}";

    /// <summary>Node <paramref name="node"/> no longer reaches the others (nor they it); its own loopback still works.</summary>
    public void Cut(int node) => Ip("-n", BridgeNamespace, "link", "set", BridgeVeth(node), "down");

    public void Heal(int node) => Ip("-n", BridgeNamespace, "link", "set", BridgeVeth(node), "up");

    /// <summary>
    /// An HTTP GET run inside node <paramref name="node"/>'s namespace (by python's urllib, bounded), for its management
    /// endpoint on that namespace's loopback: the status and the body, status 0 when nothing answered.
    /// </summary>
    public async Task<(int Status, string Body)> HttpGetAsync(int node, string url)
    {
        const string script = """
            import json, sys, urllib.request, urllib.error
            try:
                with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
                    print(json.dumps({"status": r.status, "body": r.read().decode()}))
            except urllib.error.HTTPError as e:
                print(json.dumps({"status": e.code, "body": e.read().decode()}))
            except Exception as e:
                print(json.dumps({"status": 0, "body": str(e)}))
            """;
        using var get = CapturedProcess.Start("http get", Tools.Executable("ip"), ["netns", "exec", Namespaces[node], Tools.Python, "-c", script, url]);
        await get.WaitForExitAsync(CommandTimeout);
        var answer = JsonDocument.Parse(get.Lines.Single(line => line.StartsWith('{'))).RootElement;
        return (answer.GetProperty("status").GetInt32(), answer.GetProperty("body").GetString() ?? "");
    }

    public void Dispose()
    {
        foreach (var netns in Enumerable.Reverse(_created))
        {
            KillProcessesIn(netns);
            TryIp("netns", "delete", netns);
        }

        _created.Clear();
    }

    private void Build(int nodes)
    {
        AddNamespace(BridgeNamespace);
        Ip("-n", BridgeNamespace, "link", "add", Bridge, "type", "bridge");
        Ip("-n", BridgeNamespace, "link", "set", Bridge, "up");
        Ip("-n", BridgeNamespace, "addr", "add", $"10.199.{Subnet}.254/24", "dev", Bridge);
        for (var i = 0; i < nodes; i++)
        {
            var netns = $"brk-n{i}-{_suffix}";
            AddNamespace(netns);
            Namespaces.Add(netns);
            var inner = $"vn{i}{_suffix}";
            Ip("-n", BridgeNamespace, "link", "add", BridgeVeth(i), "type", "veth", "peer", "name", inner, "netns", netns);
            Ip("-n", BridgeNamespace, "link", "set", BridgeVeth(i), "master", Bridge);
            Ip("-n", BridgeNamespace, "link", "set", BridgeVeth(i), "up");
            Ip("-n", netns, "addr", "add", $"{Address(i)}/24", "dev", inner);
            Ip("-n", netns, "link", "set", inner, "up");

            // Deleting the namespace deletes this pair too, its end here included.
            var (rootSide, nodeSide) = ($"vs{i}{_suffix}", $"vd{i}{_suffix}");
            Ip("link", "add", rootSide, "type", "veth", "peer", "name", nodeSide, "netns", netns);
            Ip("addr", "add", $"{StorageAddress(i)}/30", "dev", rootSide);
            Ip("link", "set", rootSide, "up");
            Ip("-n", netns, "addr", "add", $"10.198.{Subnet}.{4 * i + 2}/30", "dev", nodeSide);
            Ip("-n", netns, "link", "set", nodeSide, "up");
        }
    }

    private string Bridge => $"br{_suffix}";

    private string BridgeVeth(int node) => $"vb{node}{_suffix}";

    private void AddNamespace(string netns)
    {
        Ip("netns", "add", netns);
        _created.Add(netns);
        Ip("-n", netns, "link", "set", "lo", "up");
    }

    /// <summary>Whatever still runs in a namespace this network made was started there by the test: SIGKILL, by pid.</summary>
    private void KillProcessesIn(string netns)
    {
        var (status, pids) = Run("ip", "netns", "pids", netns);
        if (status != 0)
        {
            return;
        }

        foreach (var line in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(line, out var pid))
            {
                continue;
            }

            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already.
            }
        }
    }

    private void Ip(params string[] args)
    {
        var (status, text) = Run("ip", args);
        if (status != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({status}): {text}");
        }
    }

    private void TryIp(params string[] args)
    {
        var (status, text) = Run("ip", args);
        if (status != 0)
        {
            _output.WriteLine($"ip {string.Join(' ', args)} failed ({status}): {text}");
        }
    }

    private static (int Status, string Output) Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(Tools.Executable(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill();
            return (-1, "timed out");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
