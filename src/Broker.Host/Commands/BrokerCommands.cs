using Broker.Host.Bench;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker [run] [options]</c> serves; <c>broker config [options]</c> prints the effective
/// configuration; <c>broker help</c> prints usage. The first argument is the command unless it is
/// an option, so plain <c>broker --mqtt.max_inflight=64</c> runs.
/// </summary>
public static class BrokerCommands
{
    public const string Usage = """
        Usage: broker [run|config|help] [--config <file>] [--<key>=<value> ...]
               broker ctl status|clients|subscriptions|topics|retainer|trace|metrics|stats|alarms|cluster|users|banned|
                          admins|api_key ... [--management <host:port>]
               broker bench conn|pub|sub|pubsub [options]

          run      Start the broker (the default).
          config   Print the effective configuration as sorted `key = value` lines and exit.
          ctl      Manage the running node through its management endpoint; `broker ctl help` lists its commands.
          bench    Load-test an MQTT broker (this one or any other); `broker bench help` lists its options.
          help     Print this text.

        Options:
          -c, --config <file>   HOCON configuration file (default: hocon/broker.conf next to the executable).
          --<key>=<value>       Override one setting, e.g. --listeners.tcp.port=1884 or --mqtt.max_inflight 64.

        Settings are layered: the file, then environment variables BROKER_<SECTION>__<KEY>
        (e.g. BROKER_LISTENERS__TCP__PORT=1884), then the command line.
        Exit codes: 0 success, 2 invalid configuration or usage, 3 a listener, the cluster or the management
        endpoint could not be opened, 4 (bench, ctl) the broker under test or the management endpoint cannot be
        reached, 5 storage unavailable, 6 the node lost its cluster, 7 (ctl) the node refused the request.
        """;

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellation = default)
    {
        var explicitCommand = args.Count > 0 && !args[0].StartsWith('-');
        var command = explicitCommand ? args[0] : "run";
        var rest = explicitCommand ? args.Skip(1).ToList() : [.. args];

        if (command == "bench")
            return await BenchCommand.RunAsync(rest, output, error, cancellation);
        if (command == "ctl")
        {
            if (rest.Count > 0 && rest[0] is "help" or "--help" or "-h")
            {
                await output.WriteLineAsync(CtlCommand.Usage);
                return ExitCodes.Success;
            }
            return await CtlCommand.RunAsync(rest, output, error, environment, cancellation);
        }
        if (command == "help" || rest.Any(a => a is "--help" or "-h"))
        {
            await output.WriteLineAsync(Usage);
            return ExitCodes.Success;
        }
        switch (command)
        {
            case "run":
                return await RunCommand.RunAsync(rest, error, environment, cancellation);
            case "config":
                return ConfigCommand.Run(rest, output, error, environment);
            default:
                await error.WriteLineAsync($"broker: unknown command '{command}'");
                await error.WriteLineAsync(Usage);
                return ExitCodes.InvalidConfiguration;
        }
    }

    internal static void ReportErrors(TextWriter error, IReadOnlyList<string> errors)
    {
        error.WriteLine($"broker: invalid configuration ({errors.Count} {(errors.Count == 1 ? "error" : "errors")}):");
        foreach (var message in errors)
            error.WriteLine($"  {message}");
    }
}
