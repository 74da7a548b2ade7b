using System.Collections.Concurrent;
using System.Diagnostics;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// The MQTT clients nobody here wrote, where they are, and why one is unavailable. A missing tool skips
/// its tests with the install command as the reason, except under CI=true, where the tests run and fail
/// loudly: CI installs every tool (.ci/install-interop-tools), so a missing one there is a broken setup.
/// </summary>
public static class Tools
{
    /// <summary>Command-line subscriber from Debian's mosquitto-clients.</summary>
    public const string MosquittoSub = "mosquitto_sub";

    /// <summary>Command-line publisher from Debian's mosquitto-clients.</summary>
    public const string MosquittoPub = "mosquitto_pub";

    /// <summary>Eclipse Mosquitto's broker, only needed for INTEROP_BROKER=mosquitto.</summary>
    public const string Mosquitto = "mosquitto";

    /// <summary>Eclipse Paho for Python, run by <see cref="Python"/> on the scripts in tests/interop-py.</summary>
    public const string Paho = "paho";

    /// <summary>The Prometheus project's Python client (its exposition parsers), run by <see cref="Python"/> on tests/interop-py/parse_prometheus.py.</summary>
    public const string PrometheusClient = "prometheus_client";

    /// <summary>MQTT.js (npm package mqtt), run by node on the scripts in tests/interop-js.</summary>
    public const string MqttJs = "mqtt.js";

    /// <summary>Network namespaces (iproute2's ip netns, veth pairs, a bridge): root and ip.</summary>
    public const string NetNs = "ip netns";

    /// <summary>Debian's chromium, which Playwright drives for the dashboard's tests (it cannot download a browser here).</summary>
    public const string Chromium = "chromium";

    /// <summary>The PostgreSQL server of BROKER_TEST_POSTGRES, which .ci/run starts.</summary>
    public const string Postgres = "postgresql";

    /// <summary>
    /// Debian's python3-paho-mqtt is installed for the system interpreter only; a python3 earlier on PATH
    /// (pyenv, venv) does not see it.
    /// </summary>
    public const string Python = "/usr/bin/python3";

    private static readonly ConcurrentDictionary<string, string?> Missing = new();

    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>Why <paramref name="tool"/> cannot run here, or null when it can.</summary>
    public static string? MissingReason(string tool) => Missing.GetOrAdd(tool, Probe);

    /// <summary>Fails the calling test with the reason when the tool is missing (the CI case: no skip).</summary>
    public static void Require(string tool)
    {
        if (MissingReason(tool) is { } reason)
            throw new InvalidOperationException(reason);
    }

    /// <summary>Full path of an executable on PATH or in the sbin folders (mosquitto lives in /usr/sbin).</summary>
    public static string? FindExecutable(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var folders = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"]);
        return folders.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
    }

    public static string Executable(string name) =>
        FindExecutable(name) ?? throw new InvalidOperationException($"{name} not found on PATH");

    private static string? Probe(string tool) => tool switch
    {
        MosquittoSub or MosquittoPub => FindExecutable(tool) is null
            ? $"{tool} not installed: apt-get install mosquitto-clients"
            : null,
        Mosquitto => FindExecutable(tool) is null ? "mosquitto not installed: apt-get install mosquitto" : null,
        Paho => PythonImports("paho.mqtt.client")
            ? null
            : $"paho-mqtt not importable by {Python}: apt-get install python3-paho-mqtt",
        PrometheusClient => PythonImports("prometheus_client.openmetrics.parser")
            ? null
            : $"prometheus_client not importable by {Python}: apt-get install python3-prometheus-client",
        MqttJs => FindExecutable("node") is null
            ? "node not installed: apt-get install nodejs npm, then run npm ci in tests/interop-js"
            : File.Exists(Path.Combine(RepoPaths.InteropJs, "node_modules", "mqtt", "package.json"))
                ? null
                : "MQTT.js missing: run npm ci in tests/interop-js",
        NetNs => FindExecutable("ip") is null
            ? "ip not installed: apt-get install iproute2"
            : Environment.IsPrivilegedProcess ? null : "network namespaces need root (run the tests as root, as CI does)",
        Chromium => File.Exists(DashboardBrowser.Executable) ? null : $"{DashboardBrowser.Executable} not installed: apt-get install chromium",
        Postgres => Broker.Actors.TestKit.Persistence.PostgresTestDatabase.ConnectionString is null
            ? $"PostgreSQL is not configured: export {Broker.Actors.TestKit.Persistence.PostgresTestDatabase.Variable}=$(.ci/start-postgres | tail -n 1)"
            : null,
        _ => throw new ArgumentException($"unknown tool {tool}", nameof(tool)),
    };

    private static bool PythonImports(string module)
    {
        if (!File.Exists(Python))
            return false;
        var start = new ProcessStartInfo(Python, ["-c", $"import {module}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            process.Kill();
            return false;
        }
        return process.ExitCode == 0;
    }
}
