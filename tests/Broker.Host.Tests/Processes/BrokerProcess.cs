using System.Diagnostics;
using System.Net;
using System.Text;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Tests;

namespace Broker.Host.Tests.Processes;

/// <summary>
/// The built broker (<c>dotnet broker.dll</c>) as a separate process, as operators run it: a temporary data
/// directory, a free loopback port for the tcp listener (no other listener), and settings given as
/// <c>--key=value</c> arguments. <see cref="Kill"/> is SIGKILL (what <c>kill -9</c> does: no shutdown code
/// runs), and <see cref="RestartAsync"/> starts it again on the same data directory and port, so a test
/// sees what survived. Its output is kept for failure messages. Disposing kills the process it started
/// (only that one) and removes the data directory and the PostgreSQL database it made.
/// </summary>
internal sealed class BrokerProcess : IAsyncDisposable
{
    /// <summary>The longest a start (until listening) or an exit may take.</summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyList<string> _settings;
    private readonly PostgresBrokerDatabase? _database;
    private readonly List<MqttTestClient> _clients = [];
    private readonly StringBuilder _output = new();
    private System.Diagnostics.Process? _process;
    private TaskCompletionSource _listening = NewSignal();
    private TaskCompletionSource _exited = NewSignal();
    private int _starts;

    private BrokerProcess(IEnumerable<string> settings, PostgresBrokerDatabase? database)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "broker-process-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        Port = UnassignedPorts.Next();
        _database = database;
        _settings =
        [
            $"--node.data_dir={DataDirectory}",
            "--listeners.tcp.bind=127.0.0.1",
            $"--listeners.tcp.port={Port}",
            "--listeners.ws.enabled=false",
            // Tests run side by side: none may take the default 8558.
            "--management.http.port=0",
            "--dashboard.listeners.http.bind=127.0.0.1:0",
            .. database is null ? [] : new[]
            {
                "--persistence.backend=postgresql",
                $"--persistence.postgresql.connection_string={database.ConnectionString}",
            },
            .. settings,
        ];
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The PostgreSQL database of its own, for a broker made by <see cref="StartPostgresAsync"/>.</summary>
    public PostgresBrokerDatabase? Database => _database;

    public bool HasExited => _exited.Task.IsCompleted;

    public int ExitCode => HasExited ? _process!.ExitCode : throw new InvalidOperationException("The broker is running.");

    /// <summary>Everything the broker wrote since it was first started, stderr lines marked "[stderr]", restarts marked.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a broker (SQLite under its data directory unless <paramref name="settings"/> say otherwise) and waits until it listens.</summary>
    public static async Task<BrokerProcess> StartAsync(params string[] settings)
    {
        var broker = Launch(settings);
        try
        {
            await broker.WaitUntilListeningAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a broker on a fresh PostgreSQL database of its own (see <see cref="PostgresBrokerDatabase"/>) and waits until it listens.</summary>
    public static async Task<BrokerProcess> StartPostgresAsync(params string[] settings)
    {
        var database = await PostgresBrokerDatabase.CreateAsync();
        BrokerProcess broker;
        try
        {
            broker = new BrokerProcess(settings, database);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }

        try
        {
            broker.StartProcess();
            await broker.WaitUntilListeningAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a broker without waiting: for a start expected to fail, see <see cref="WaitForExitAsync"/>.</summary>
    public static BrokerProcess Launch(params string[] settings)
    {
        var broker = new BrokerProcess(settings, null);
        broker.StartProcess();
        return broker;
    }

    /// <summary>Until the broker logs that its listeners are open; fails with its output if it exits first.</summary>
    public async Task WaitUntilListeningAsync()
    {
        var first = await Task.WhenAny(_listening.Task, _exited.Task).WaitAsync(StartLimit).ConfigureAwait(false);
        if (first != _listening.Task)
        {
            Assert.Fail($"The broker exited with {_process!.ExitCode} before listening:\n{Output}");
        }
    }

    /// <summary>The exit code, once the broker has exited by itself.</summary>
    public async Task<int> WaitForExitAsync()
    {
        try
        {
            await _exited.Task.WaitAsync(StartLimit).ConfigureAwait(false);
            // Then until the output is read to its end, so that the last lines are in Output.
            using var deadline = new CancellationTokenSource(StartLimit);
            await _process!.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Assert.Fail($"The broker did not exit within {StartLimit.TotalSeconds} s:\n{Output}");
        }

        return _process!.ExitCode;
    }

    /// <summary>SIGKILL, as <c>kill -9</c>: no shutdown code runs. Returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        Kill();
        await WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGKILL (Process.Kill on Linux), to this process only; does not wait.</summary>
    public void Kill()
    {
        if (_process is { } process && !HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: false);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
    }

    /// <summary>Kills the broker if it still runs, then starts it again on the same data directory, port and settings, and waits until it listens.</summary>
    public async Task RestartAsync()
    {
        if (!HasExited)
        {
            await KillAsync().ConfigureAwait(false);
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _clients.Clear();
        StartProcess();
        await WaitUntilListeningAsync().ConfigureAwait(false);
    }

    /// <summary>A TCP connection to the broker, closed when the broker is disposed or restarted; nothing sent yet.</summary>
    public async Task<MqttTestClient> OpenAsync(MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var client = await MqttTestClient.OpenAsync(EndPoint, version, receiveBufferSize: null, read: true);
        _clients.Add(client);
        return client;
    }

    /// <summary>Opens a connection and completes a CONNECT (Clean Start 1 unless customized) that must be accepted.</summary>
    public async Task<MqttTestClient> ConnectAsync(
        string clientId, Func<ConnectPacket, ConnectPacket>? customize = null, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var client = await OpenAsync(version);
        await client.ConnectAsync(clientId, customize);
        return client;
    }

    private void StartProcess()
    {
        var start = BrokerExecutable.StartInfo(_settings);
        _listening = NewSignal();
        _exited = NewSignal();
        if (_starts++ > 0)
        {
            Append($"---- restart {_starts - 1} ----");
        }

        var process = new System.Diagnostics.Process { StartInfo = start, EnableRaisingEvents = true };
        var listening = _listening;
        var exited = _exited;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            Append(line);
            if (line.Contains("Broker started", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                Append("[stderr] " + line);
            }
        };
        process.Exited += (_, _) => exited.TrySetResult();
        _process?.Dispose();
        _process = process;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Append(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);


    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        if (_process is { } process)
        {
            Kill();
            await _exited.Task.WaitAsync(StartLimit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            process.Dispose();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing a test for.
        }
    }
}
