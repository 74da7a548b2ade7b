using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Broker.Tests;

namespace Broker.Host.Tests.Commands;

/// <summary>
/// The built executable, run as operators run it: <c>dotnet broker.dll ...</c> from the test
/// output directory, where the Host project reference puts broker.dll and hocon/broker.conf.
/// Waits are on process exit or on an expected output line, never on a fixed delay.
/// </summary>
public class BrokerProcessTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static Process Start(params string[] args) => Process.Start(Processes.BrokerExecutable.StartInfo(args))!;

    private static async Task<(int Exit, string Output, string Error)> RunToEnd(params string[] args)
    {
        using var process = Start(args);
        using var timeout = new CancellationTokenSource(Limit);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Config_prints_the_effective_configuration_with_command_line_overrides()
    {
        var (exit, output, error) = await RunToEnd("config", "--mqtt.max_inflight=7");
        Assert.True(exit == 0, $"exit {exit}: {error}");
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("# configuration file: hocon/broker.conf", lines);
        Assert.Contains("mqtt.max_inflight = 7", lines);
        Assert.Contains("listeners.tcp.port = 1883", lines);
    }

    [Fact]
    public async Task An_invalid_setting_exits_2_with_the_key_and_range_on_stderr()
    {
        var (exit, output, error) = await RunToEnd("--mqtt.max_qos_allowed=5");
        Assert.Equal(2, exit);
        Assert.Contains("mqtt.max_qos_allowed: must be between 0 and 2, got 5 (from command-line argument --mqtt.max_qos_allowed)", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData(Sigterm)]
    [InlineData(Sigint)]
    public async Task Run_opens_the_listeners_and_exits_0_on_sigterm_or_ctrl_c(int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        int tcpPort = UnassignedPorts.Next(), wsPort = UnassignedPorts.Next();
        var dataDir = Directory.CreateTempSubdirectory("broker-run-").FullName;
        using var process = Start("--mqtt.max_inflight=9", $"--node.data_dir={dataDir}",
            "--listeners.tcp.bind=127.0.0.1", $"--listeners.tcp.port={tcpPort}",
            "--listeners.ws.bind=127.0.0.1", $"--listeners.ws.port={wsPort}", "--management.http.port=0", "--dashboard.listeners.http.bind=127.0.0.1:0");
        using var timeout = new CancellationTokenSource(Limit);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        var seen = new List<string>();
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.Add(line);
            if (line.Contains("Broker started", StringComparison.Ordinal))
                break;
        }
        Assert.Contains(seen, l => l.Contains($"Listener tcp: 127.0.0.1:{tcpPort}", StringComparison.Ordinal));
        Assert.Contains(seen, l => l.Contains("max_inflight 9", StringComparison.Ordinal));
        Assert.Contains(seen, l => l.Contains($"Listener tcp accepting connections on 127.0.0.1:{tcpPort}", StringComparison.Ordinal));
        Assert.Contains(seen, l => l.Contains($"Listener ws accepting connections on 127.0.0.1:{wsPort}/mqtt", StringComparison.Ordinal));
        using (var client = new TcpClient(AddressFamily.InterNetwork))
            await client.ConnectAsync(IPAddress.Loopback, tcpPort, timeout.Token);

        // The stop has a bound of its own: on a machine that CI loads with other brokers, the start may have used most
        // of the first one.
        Assert.Equal(0, Kill(process.Id, signal));
        using var stopping = new CancellationTokenSource(Limit);
        var rest = process.StandardOutput.ReadToEndAsync(); // ends with the process, killed below if it hangs
        try
        {
            await process.WaitForExitAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail($"no exit within {Limit} of signal {signal}{InheritedIgnore(signal)}; output after the start: {await rest}");
        }

        Assert.Contains("Broker stopped", await rest, StringComparison.Ordinal);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await errors}");
        Directory.Delete(dataDir, recursive: true);
    }

    /// <summary>
    /// A shell without job control starts background commands with SIGINT ignored, and the broker started from such a
    /// test run inherits that (as POSIX says, and .NET keeps it so): said, since it explains a hang at Ctrl+C.
    /// </summary>
    private static string InheritedIgnore(int signal)
    {
        var ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return ignored is not null && (Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0
            ? " (this test run ignores the signal, inherited from the shell that started it, so the broker does too)"
            : "";
    }

    [Fact]
    public async Task A_port_in_use_exits_3_naming_the_listener_and_address()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var (exit, _, error) = await RunToEnd("--listeners.ws.enabled=false", "--management.http.port=0", "--dashboard.listeners.http.bind=127.0.0.1:0",
            "--listeners.tcp.bind=127.0.0.1", $"--listeners.tcp.port={port}");

        Assert.Equal(3, exit);
        Assert.Contains($"broker: listeners.tcp: cannot listen on 127.0.0.1:{port}: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_management_port_in_use_exits_3_naming_the_key_and_address()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var (exit, _, error) = await RunToEnd("--listeners.ws.enabled=false", "--listeners.tcp.bind=127.0.0.1", $"--listeners.tcp.port={UnassignedPorts.Next()}",
            "--persistence.durability=none", $"--management.http.port={port}", "--dashboard.listeners.http.bind=127.0.0.1:0");

        Assert.Equal(3, exit);
        Assert.Contains($"broker: management.http: cannot listen on 127.0.0.1:{port}: ", error, StringComparison.Ordinal);
    }


    private const int Sigterm = 15;

    private const int Sigint = 2;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
