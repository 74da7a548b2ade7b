namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// Starts the clients of one test against one broker; each one's command line and transcript go to the
/// test's output when the test ends, and any still running is killed then.
/// </summary>
public sealed class Clients(ITestOutputHelper output, BrokerEndpoint endpoint) : IDisposable
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
        return Track(CapturedProcess.Start($"paho {script}", Tools.Python,
            ["-u", path, "--host", endpoint.Host, "--port", endpoint.Port.ToString(), .. args], output,
            environment: new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = "1" }));
    }

    /// <summary>A script of tests/interop-js run by node; the script takes the broker's URL among its arguments.</summary>
    public CapturedProcess MqttJs(string script, params string[] args)
    {
        Tools.Require(Tools.MqttJs);
        var path = Path.Combine(RepoPaths.InteropJs, script);
        return Track(CapturedProcess.Start($"mqtt.js {script}", Tools.Executable("node"), [path, .. args], output,
            workingDirectory: RepoPaths.InteropJs));
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
            ? CapturedProcess.Start(tool, stdbuf, ["-oL", .. command], output)
            : CapturedProcess.Start(tool, command[0], command[1..], output));
    }

    private CapturedProcess Track(CapturedProcess process)
    {
        _started.Add(process);
        return process;
    }
}
