using System.Diagnostics;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// A child process whose output is kept line by line, so that a test can wait for a line with a deadline
/// (never a fixed delay) and show the whole transcript when something goes wrong. Stopped by its own pid
/// only: <see cref="Kill"/> and <see cref="Dispose"/> touch nothing but the process this object started.
/// </summary>
public sealed class CapturedProcess : IDisposable
{
    private readonly Process _process;
    private readonly ITestOutputHelper? _log;
    private readonly object _gate = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _transcript = [];
    private TaskCompletionSource _changed = NewSignal();
    private int _openStreams = 2;
    private bool _disposed;

    private CapturedProcess(string name, Process process, ITestOutputHelper? log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public string CommandLine { get; private init; } = "";

    public bool HasExited => _process.HasExited;

    /// <summary>The child's stdin (mosquitto_pub -l publishes one message per line written here).</summary>
    public StreamWriter Input => _process.StandardInput;

    public int ExitCode => _process.ExitCode;

    /// <summary>Lines written to stdout so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_gate) return [.. _stdout]; }
    }

    /// <summary>Number of transcript lines so far: a mark for <see cref="TranscriptSince"/>.</summary>
    public int TranscriptCount
    {
        get { lock (_gate) return _transcript.Count; }
    }

    public IReadOnlyList<string> TranscriptSince(int mark)
    {
        lock (_gate) return _transcript.Skip(mark).ToList();
    }

    public string Transcript
    {
        get { lock (_gate) return string.Join('\n', _transcript); }
    }

    /// <summary>
    /// Starts <paramref name="file"/>; with <paramref name="log"/>, the command line and the transcript go
    /// to the test's output when this object is disposed (shown by the runner when the test fails).
    /// </summary>
    public static CapturedProcess Start(
        string name, string file, IEnumerable<string> args, ITestOutputHelper? log = null,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                start.Environment.Remove(key);
            else
                start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var captured = new CapturedProcess(name, process, log)
        {
            CommandLine = string.Join(' ', new[] { file }.Concat(start.ArgumentList.Select(Quote))),
        };
        process.OutputDataReceived += (_, e) => captured.OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => captured.OnLine(e.Data, isError: true);
        process.Exited += (_, _) => captured.Signal();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return captured;
    }

    /// <summary>The first stdout line that <paramref name="match"/> accepts, waiting for it until the deadline.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what) =>
        UntilAsync(() => Lines.FirstOrDefault(match), timeout, what);

    /// <summary>The first <paramref name="count"/> stdout lines that <paramref name="match"/> accepts.</summary>
    public Task<IReadOnlyList<string>> WaitForLinesAsync(Func<string, bool> match, int count, TimeSpan timeout, string what) =>
        UntilAsync<IReadOnlyList<string>>(() =>
        {
            var found = Lines.Where(match).ToList();
            return found.Count >= count ? found.Take(count).ToList() : null;
        }, timeout, what);

    /// <summary>Whether anything was written after <paramref name="mark"/> within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForOutputAfterAsync(int mark, TimeSpan timeout)
    {
        try
        {
            await UntilAsync(() => TranscriptCount > mark ? "" : null, timeout, "output");
            return true;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// The exit code once the process ended and its output was read to the end; past the deadline the process
    /// is killed and the wait fails with its transcript.
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Name} (pid {Pid}) still running after {timeout.TotalSeconds:0.#} s; killed.\n{Describe()}");
        }
        return _process.ExitCode;
    }

    /// <summary>Waits for a clean exit (status 0) and fails with the transcript otherwise.</summary>
    public async Task ExpectSuccessAsync(TimeSpan timeout)
    {
        var exit = await WaitForExitAsync(timeout);
        if (exit != 0)
            throw new InvalidOperationException($"{Name} exited with {exit}.\n{Describe()}");
    }

    /// <summary>SIGKILL to this process only: the client dies without a word, as a crashed device does.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    /// <summary>Command line, exit status and transcript, for failure messages.</summary>
    public string Describe()
    {
        var status = _process.HasExited ? $"exit {_process.ExitCode}" : "running";
        return $"$ {CommandLine}\n[{Name}, pid {Pid}, {status}]\n{Transcript}";
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Kill();
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        if (_log is not null)
        {
            try
            {
                _log.WriteLine(Describe());
            }
            catch (InvalidOperationException)
            {
                // The test already finished: nobody is left to read it.
            }
        }
        _process.Dispose();
    }

    private async Task<T> UntilAsync<T>(Func<T?> check, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            bool ended;
            lock (_gate)
            {
                changed = _changed.Task;
                ended = _openStreams == 0;
            }
            if (check() is { } found)
                return found;
            if (ended)
                throw new InvalidOperationException($"{Name} ended before {what}.\n{Describe()}");
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"{Name}: no {what} within {timeout.TotalSeconds:0.#} s.\n{Describe()}");
            try
            {
                await changed.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                // Checked once more at the top, then reported.
            }
        }
    }

    private void OnLine(string? line, bool isError)
    {
        lock (_gate)
        {
            if (line is null)
                _openStreams--;
            else if (isError)
                _transcript.Add("stderr| " + line);
            else
            {
                _stdout.Add(line);
                _transcript.Add(line);
            }
        }
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./:=@,+".Contains(c)) ? arg : $"'{arg.Replace("'", "'\\''")}'";
}
