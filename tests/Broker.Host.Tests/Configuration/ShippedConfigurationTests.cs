using Broker.Host.Configuration.Hocon;
using Broker.Host.Configuration;
using Broker.Host.Options;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Tests.Configuration;

/// <summary>hocon/broker.conf documents every option with its default; these tests keep it from drifting.</summary>
public class ShippedConfigurationTests
{
    private static readonly OptionsSchema Schema = OptionsSchema.For<BrokerOptions>();

    private static IConfigurationRoot FileOnly() =>
        new ConfigurationBuilder().AddHoconFile(RepositoryFiles.ShippedConfig, environment: _ => null).Build();

    private static IEnumerable<string> FileKeys(IConfiguration section, string prefix = "") =>
        section.GetChildren().SelectMany(child =>
        {
            var path = prefix.Length == 0 ? child.Key : $"{prefix}.{child.Key}";
            return child.GetChildren().Any() ? FileKeys(child, path) : [path];
        });

    [Fact]
    public void Every_option_has_a_key_in_the_file_and_every_key_is_an_option()
    {
        var inFile = FileKeys(FileOnly()).Order(StringComparer.Ordinal).ToList();
        var inCode = Schema.Leaves().Select(l => l.Path).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(inCode, inFile);
    }

    [Fact]
    public void Every_value_in_the_file_equals_the_code_default()
    {
        var errors = new List<ConfigurationError>();
        var fromFile = OptionsBinder.Bind<BrokerOptions>(FileOnly(), errors);
        Assert.Empty(errors);
        // Compared as `broker config` prints them, so that lists compare by their items.
        Assert.Equal(EffectiveConfiguration.Lines(new BrokerOptions()), EffectiveConfiguration.Lines(fromFile));
    }

    [Fact]
    public void The_file_loads_and_validates_cleanly()
    {
        var result = BrokerConfiguration.Load([], RepositoryFiles.ShippedConfig, new Dictionary<string, string>());
        Assert.Empty(result.Errors);
        Assert.Equal(RepositoryFiles.ShippedConfig, result.ConfigFile);
    }

    [Fact]
    public void Every_setting_has_a_comment_on_the_line_above()
    {
        var lines = File.ReadAllLines(RepositoryFiles.ShippedConfig);
        var undocumented = lines
            .Select((line, i) => (Line: line.Trim(), Number: i + 1, Above: i > 0 ? lines[i - 1].Trim() : ""))
            .Where(l => l.Line.Contains(" = ", StringComparison.Ordinal) && !l.Line.StartsWith('#') && !l.Above.StartsWith('#'))
            .Select(l => $"line {l.Number}: {l.Line}");
        Assert.Empty(undocumented);
    }

    [Fact]
    public void The_file_next_to_the_executable_is_the_repository_file() =>
        Assert.Equal(File.ReadAllText(RepositoryFiles.ShippedConfig), File.ReadAllText(BrokerConfiguration.DefaultConfigPath));

    [Fact]
    public void The_file_parses_without_environment()
    {
        var document = HoconConfig.ParseFile(RepositoryFiles.ShippedConfig, _ => null);
        Assert.Equal(1883, document.GetInt("listeners.tcp.port"));
        Assert.Equal(1_048_576, document.GetBytes("mqtt.max_packet_size"));
    }
}
