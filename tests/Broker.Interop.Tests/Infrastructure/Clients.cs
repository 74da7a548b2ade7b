namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// Starts the clients of one test against one broker; each one's command line and transcript go to the
/// test's output when the test ends, and any still running is killed then. With <paramref name="netns"/> they run
/// inside that network namespace (<c>ip netns exec</c>), where the broker's endpoint is.
/// </summary>
public sealed class Clients(ITestOutputHelper output, BrokerEndpoint endpoint, string? netns = null) : IDisposable
{
    private readonly List<CapturedProcess> _started = [];

    public BrokerEndpoint Endpoint => endpoint;

    /// <summary>mosquitto_sub with -h and -p set to the broker.</summary>
    public CapturedProcess MosquittoSub(params string[] args) => Mosquitto(Tools.MosquittoSub, args);

    /// <summary>mosquitto_pub with -h and -p set to the broker.</summary>
    public CapturedProcess MosquittoPub(params string[] args) => Mosquitto(Tools.MosquittoPub, args);

    /// <summary>A script of tests/interop-py run by Debian's python with --host and --port set to the broker.</summary>
    public CapturedProcess Paho(string script, params string[] args)
    {
        Tools.Require(Tools.Paho);
        var path = Path.Combine(RepoPaths.InteropPy, script);
        return Track(Start($"paho {script}", Tools.Python,
            ["-u", path, "--host", endpoint.Host, "--port", endpoint.Port.ToString(), .. args],
            environment: new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = "1" }));
    }

    /// <summary>A script of tests/interop-js run by node; the script takes the broker's URL among its arguments.</summary>
    public CapturedProcess MqttJs(string script, params string[] args)
    {
        Tools.Require(Tools.MqttJs);
        var path = Path.Combine(RepoPaths.InteropJs, script);
        return Track(Start($"mqtt.js {script}", Tools.Executable("node"), [path, .. args], workingDirectory: RepoPaths.InteropJs));
    }

    public void Dispose()
    {
        foreach (var client in _started)
            client.Dispose();
    }

    /// <summary>
    /// Through <c>stdbuf -oL</c> when there is one: into a pipe, mosquitto_sub's stdio would hold its debug
    /// lines (the SUBACK the tests wait for) in a full buffer until it exits.
    /// </summary>
    private CapturedProcess Mosquitto(string tool, string[] args)
    {
        Tools.Require(tool);
        string[] command = [Tools.Executable(tool), "-h", endpoint.Host, "-p", endpoint.Port.ToString(), .. args];
        return Track(Tools.FindExecutable("stdbuf") is { } stdbuf
            ? Start(tool, stdbuf, ["-oL", .. command])
            : Start(tool, command[0], command[1..]));
    }

    private CapturedProcess Start(
        string name, string file, string[] args, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null) =>
        netns is null
            ? CapturedProcess.Start(name, file, args, output, workingDirectory, environment)
            : CapturedProcess.Start($"{name} in {netns}", Tools.Executable("ip"), ["netns", "exec", netns, file, .. args], output, workingDirectory, environment);

    private CapturedProcess Track(CapturedProcess process)
    {
        _started.Add(process);
        return process;
    }
}
