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
            .Select(leaf => $"{leaf.Path} = {Format(leaf, leaf.ValueIn(options))}");

    private static string Format(OptionsSchema leaf, object? value) =>
        leaf.Element is { } element && value is Array items
            ? "[" + string.Join(", ", items.Cast<object>().Select(item => FormatSection(element, item))) + "]"
            : OptionValues.Format(value);

    private static string FormatSection(OptionsSchema section, object value) =>
        "{" + string.Join(", ", section.Children.OrderBy(c => c.Key, StringComparer.Ordinal).Select(child =>
        {
            var childValue = child.Property!.GetValue(value);
            return $"{child.Key} = {(child.IsLeaf && child.Element is null ? OptionValues.Format(childValue) : child.Element is not null ? Format(child, childValue) : FormatSection(child, childValue!))}";
        })) + "}";
}
