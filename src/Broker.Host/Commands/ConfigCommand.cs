using Broker.Host.Configuration;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker config</c>: shows operators what the file, environment and arguments add up to.
/// An invalid configuration is still printed (what could be read), then its errors, exit code 2.
/// </summary>
internal static class ConfigCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string>? environment)
    {
        var result = BrokerConfiguration.Load(args, environment: environment);
        output.WriteLine(result.ConfigFile is null
            ? "# no configuration file; built-in defaults"
            : $"# configuration file: {BrokerConfiguration.DisplayName(result.ConfigFile)}");
        foreach (var line in EffectiveConfiguration.Lines(result.Options))
            output.WriteLine(line);
        if (result.IsValid)
            return ExitCodes.Success;
        BrokerCommands.ReportErrors(error, result.Errors);
        return ExitCodes.InvalidConfiguration;
    }
}
