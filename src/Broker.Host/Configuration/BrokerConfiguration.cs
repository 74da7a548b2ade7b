using System.Collections;
using Broker.Host.Configuration.Hocon;
using Broker.Host.Options;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

/// <summary>
/// Builds the broker's configuration from three layers, each overriding the one before:
/// <list type="number">
/// <item>the HOCON file: <c>--config &lt;path&gt;</c> / <c>-c &lt;path&gt;</c>, else the given path,
/// else <c>hocon/broker.conf</c> next to the executable (optional: code defaults apply without it);</item>
/// <item><c>{node.data_dir}/cluster.conf</c>, the keys changed at run time through the API, when it exists
/// (<see cref="ClusterConfigFile"/>; node.data_dir as the other layers set it);</item>
/// <item>environment variables <c>BROKER_SECTION__KEY</c> (see <see cref="EnvironmentOverridesSource"/>);</item>
/// <item>command-line arguments <c>--section.key=value</c> (see <see cref="CommandLineArguments"/>).</item>
/// </list>
/// then binds and validates <see cref="BrokerOptions"/>. Nothing throws for a bad configuration:
/// every problem is collected in the result so an operator sees them all at once.
/// </summary>
public static class BrokerConfiguration
{
    public const string EnvironmentPrefix = "BROKER_";

    public static string DefaultConfigPath => Path.Combine(AppContext.BaseDirectory, "hocon", "broker.conf");

    /// <param name="args">Arguments after the command name.</param>
    /// <param name="configPath">File to read when the arguments name none; null for <see cref="DefaultConfigPath"/>.</param>
    /// <param name="environment">Variables for overrides and <c>${VAR}</c> fallbacks; null for the process environment.</param>
    public static BrokerConfigurationResult Load(
        IReadOnlyList<string> args, string? configPath = null, IReadOnlyDictionary<string, string>? environment = null) =>
        Load(args, configPath, environment, DefaultConfigPath);

    internal static BrokerConfigurationResult Load(
        IReadOnlyList<string> args, string? configPath, IReadOnlyDictionary<string, string>? environment, string defaultConfigPath)
    {
        var variables = environment ?? ProcessEnvironment();
        var commandLine = CommandLineArguments.Parse(args);
        var errors = new List<string>(commandLine.Errors);
        var layers = new List<IConfigurationSource>();

        var file = commandLine.ConfigPath ?? configPath;
        var explicitFile = file is not null;
        file ??= defaultConfigPath;
        string? used = null;
        if (explicitFile || File.Exists(file))
        {
            try
            {
                var document = HoconConfig.ParseFile(file, name => variables.GetValueOrDefault(name), DisplayName(file));
                layers.Add(new HoconConfigurationSource { Document = document });
                used = file;
            }
            catch (HoconException e)
            {
                errors.Add(e.Message);
            }
        }

        var schema = OptionsSchema.For<BrokerOptions>();
        IConfigurationSource[] overrides =
        [
            new EnvironmentOverridesSource(variables, EnvironmentPrefix, schema.Children.Select(c => c.Key)),
            new CommandLineOverridesSource(commandLine.Overrides),
        ];
        var configuration = Build([.. layers, .. overrides]);
        // node.data_dir is not a live key, so the file below cannot move itself: one look decides where it is.
        var kept = ClusterConfigFile.PathIn(configuration["node:data_dir"] is { Length: > 0 } dataDir ? dataDir : new NodeOptions().DataDir);
        if (File.Exists(kept))
        {
            var (document, keptErrors) = ClusterConfigFile.Read(kept, name => variables.GetValueOrDefault(name));
            errors.AddRange(keptErrors);
            if (document is not null)
            {
                layers.Add(new HoconConfigurationSource { Document = document });
                configuration = Build([.. layers, .. overrides]);
            }
        }

        var problems = new List<ConfigurationError>();
        var options = OptionsBinder.Bind<BrokerOptions>(configuration, problems);
        problems.AddRange(BrokerOptionsValidator.Validate(options));
        errors.AddRange(problems.Select(p => ConfigurationOrigins.Render(p, configuration)));
        return new BrokerConfigurationResult(configuration, options, errors, used);
    }

    private static IConfigurationRoot Build(IEnumerable<IConfigurationSource> layers)
    {
        var builder = new ConfigurationBuilder();
        foreach (var layer in layers)
            builder.Add(layer);
        return builder.Build();
    }

    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables()
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);

    /// <summary>Relative to the working directory when below it, as operators type paths.</summary>
    internal static string DisplayName(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.GetFullPath(path));
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? Path.GetFullPath(path) : relative;
    }
}
