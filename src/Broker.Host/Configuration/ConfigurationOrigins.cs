using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

/// <summary>Finds which layer set a key: the last provider that has it wins, as in the configuration itself.</summary>
public static class ConfigurationOrigins
{
    public static string? Describe(IConfigurationRoot configuration, string dottedKey)
    {
        var key = dottedKey.Replace('.', ConfigurationPath.KeyDelimiter[0]);
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (provider is IConfigurationOrigin origin && origin.DescribeOrigin(key) is { } description)
                return description;
        }
        return null;
    }

    /// <summary><c>mqtt.max_inflight: must be ... (from environment variable BROKER_MQTT__MAX_INFLIGHT)</c></summary>
    public static string Render(ConfigurationError error, IConfigurationRoot configuration) =>
        Describe(configuration, error.Key) is { } origin ? $"{error} (from {origin})" : error.ToString();

    /// <summary>Shared lookup for providers that keep a description per key.</summary>
    internal static string? Lookup(IReadOnlyDictionary<string, string> origins, string key)
    {
        if (origins.TryGetValue(key, out var exact))
            return exact;
        var prefix = key + ConfigurationPath.KeyDelimiter;
        return origins.FirstOrDefault(o => o.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Value;
    }
}
