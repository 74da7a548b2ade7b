namespace Broker.Host.Configuration;

/// <summary>
/// Configuration on the command line: <c>--listeners.tcp.port=1884</c> or
/// <c>--listeners.tcp.port 1884</c> (dots separate levels), and <c>--config path</c> /
/// <c>-c path</c> for the file. Anything else is reported, not ignored.
/// </summary>
public sealed class CommandLineArguments
{
    private CommandLineArguments()
    {
    }

    /// <summary>Each override with the configuration key (':' separated) and the argument as typed.</summary>
    public List<(string Key, string Value, string Argument)> Overrides { get; } = [];

    public string? ConfigPath { get; private set; }

    public List<string> Errors { get; } = [];

    public static CommandLineArguments Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLineArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--config" or "-c")
            {
                if (i + 1 < args.Count)
                    result.ConfigPath = args[++i];
                else
                    result.Errors.Add($"{arg}: missing the configuration file path");
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal) || arg.StartsWith("-c=", StringComparison.Ordinal))
            {
                result.ConfigPath = arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..];
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var body = arg[2..];
                var equals = body.IndexOf('=', StringComparison.Ordinal);
                string key, value;
                if (equals >= 0)
                {
                    (key, value) = (body[..equals], body[(equals + 1)..]);
                }
                else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    (key, value) = (body, args[++i]);
                }
                else
                {
                    result.Errors.Add($"{arg}: missing value (write --key=value or --key value)");
                    continue;
                }
                if (key.Length == 0 || key.Any(char.IsWhiteSpace) || key.Split('.').Any(part => part.Length == 0))
                    result.Errors.Add($"{arg}: malformed key (expected a dotted path such as --mqtt.max_inflight=64)");
                else
                    result.Overrides.Add((key.Replace('.', ':'), value, $"--{key}"));
            }
            else
            {
                result.Errors.Add($"unexpected argument '{arg}' (settings are written --key=value, e.g. --listeners.tcp.port=1884)");
            }
        }
        return result;
    }
}
