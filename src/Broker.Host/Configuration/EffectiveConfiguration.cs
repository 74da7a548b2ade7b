using Broker.Host.Options;

namespace Broker.Host.Configuration;

/// <summary>
/// Every option with the value in force, one <c>key = value</c> line each, sorted by key. The
/// lines are valid HOCON, so the output can be saved as a configuration file.
/// </summary>
public static class EffectiveConfiguration
{
    public static IEnumerable<string> Lines(BrokerOptions options) =>
        OptionsSchema.For<BrokerOptions>()
            .Leaves()
            .OrderBy(leaf => leaf.Path, StringComparer.Ordinal)
            .Select(leaf => $"{leaf.Path} = {OptionValues.Format(leaf.ValueIn(options))}");
}
