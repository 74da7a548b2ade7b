using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

/// <summary>
/// The overrides from <see cref="CommandLineArguments"/>. Microsoft's command-line provider is not
/// used: it takes dotted keys literally and silently skips arguments it does not understand.
/// </summary>
public sealed class CommandLineOverridesSource(IEnumerable<(string Key, string Value, string Argument)> overrides) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider([.. overrides]);

    private sealed class Provider((string Key, string Value, string Argument)[] overrides) : ConfigurationProvider, IConfigurationOrigin
    {
        private readonly Dictionary<string, string> _origins = new(StringComparer.OrdinalIgnoreCase);

        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value, argument) in overrides)
            {
                data[key] = value;
                _origins[key] = $"command-line argument {argument}";
            }
            Data = data;
        }

        public string? DescribeOrigin(string key) => ConfigurationOrigins.Lookup(_origins, key);
    }
}
