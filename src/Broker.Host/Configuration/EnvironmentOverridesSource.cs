using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

/// <summary>
/// Environment variables named <c>BROKER_SECTION__KEY</c>: the prefix is dropped and <c>__</c>
/// separates levels, so <c>BROKER_LISTENERS__TCP__PORT=1884</c> sets <c>listeners.tcp.port</c>.
/// </summary>
/// <remarks>
/// Only variables whose first level is a known section are taken. Others with the prefix, such
/// as <c>BROKER_NODE_NAME</c> read by a <c>${?BROKER_NODE_NAME}</c> substitution or set for some
/// other tool, are not configuration keys and must not fail the start. A misspelt key under a
/// known section (<c>BROKER_MQTT__MAX_INFLIGT</c>) is still reported.
/// The variables are passed in rather than read here so that tests need not touch the process.
/// </remarks>
public sealed class EnvironmentOverridesSource(IReadOnlyDictionary<string, string> variables, string prefix, IEnumerable<string> sections)
    : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(variables, prefix, [.. sections]);

    private sealed class Provider(IReadOnlyDictionary<string, string> variables, string prefix, string[] sections)
        : ConfigurationProvider, IConfigurationOrigin
    {
        private readonly Dictionary<string, string> _origins = new(StringComparer.OrdinalIgnoreCase);

        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            _origins.Clear();
            foreach (var (name, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    continue;
                var key = name[prefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
                var end = key.IndexOf(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
                if (end <= 0 || !sections.Contains(key[..end], StringComparer.OrdinalIgnoreCase))
                    continue;
                data[key] = value;
                _origins[key] = $"environment variable {name}";
            }
            Data = data;
        }

        public string? DescribeOrigin(string key) => ConfigurationOrigins.Lookup(_origins, key);
    }
}
