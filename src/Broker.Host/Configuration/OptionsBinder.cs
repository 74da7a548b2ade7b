using Broker.Host.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

/// <summary>
/// Binds configuration to an options class through its <see cref="OptionsSchema"/>, collecting
/// every problem instead of stopping at the first: unknown keys (with a suggestion), values of
/// the wrong type, a value where a section belongs and the reverse. A key that fails keeps its
/// default, so validation can still run on the rest.
/// </summary>
/// <remarks>
/// Microsoft's ConfigurationBinder throws on the first bad value with a message naming the CLR
/// type, and ignores unknown keys unless told otherwise; an operator needs all the mistakes at
/// once, in the configuration's own terms.
/// </remarks>
public static class OptionsBinder
{
    public static T Bind<T>(IConfiguration configuration, ICollection<ConfigurationError> errors) where T : new()
    {
        var options = new T();
        BindSection(options, OptionsSchema.For<T>(), configuration, errors);
        return options;
    }

    private static void BindSection(object target, OptionsSchema schema, IConfiguration section, ICollection<ConfigurationError> errors)
    {
        foreach (var child in section.GetChildren())
        {
            var key = schema.Child(child.Key);
            if (key is null)
            {
                errors.Add(Unknown(schema, child.Key));
                continue;
            }
            var children = child.GetChildren().Select(c => c.Key).ToList();
            if (key.Element is { } element)
                BindList(target, key, element, child, errors);
            else if (key.IsLeaf)
                BindLeaf(target, key, child, children, errors);
            else if (children.Count == 0 && !string.IsNullOrEmpty(child.Value))
                errors.Add(new ConfigurationError(key.Path, $"expected a section with keys such as {string.Join(", ", key.Children.Take(3).Select(c => c.Key))}, got {HoconPath.Quote(child.Value)}"));
            else
                BindSection(key.Property!.GetValue(target)!, key, child, errors);
        }
    }

    private static void BindList(object target, OptionsSchema key, OptionsSchema element, IConfigurationSection section, ICollection<ConfigurationError> errors)
    {
        var items = section.GetChildren().ToList();
        if (items.Count == 0 && !string.IsNullOrEmpty(section.Value))
        {
            errors.Add(new ConfigurationError(key.Path, $"expected a list of sections like [{{...}}], got {HoconPath.Quote(section.Value)}"));
            return;
        }

        var list = Array.CreateInstance(element.Type, items.Count);
        foreach (var (item, i) in items.OrderBy(c => int.TryParse(c.Key, out var n) ? n : int.MaxValue).Select((c, i) => (c, i)))
        {
            var value = Activator.CreateInstance(element.Type)!;
            if (!item.GetChildren().Any() && !string.IsNullOrEmpty(item.Value))
                errors.Add(new ConfigurationError($"{key.Path}.{item.Key}", $"expected a section with keys such as {string.Join(", ", element.Children.Take(3).Select(c => c.Key))}, got {HoconPath.Quote(item.Value)}"));
            else
                BindSection(value, element, item, errors);
            list.SetValue(value, i);
        }

        key.Property!.SetValue(target, list);
    }

    private static void BindLeaf(object target, OptionsSchema key, IConfigurationSection section, List<string> children, ICollection<ConfigurationError> errors)
    {
        var text = section.Value;
        // A list: a HOCON array arrives as children 0, 1, ...; an environment variable or argument as one comma-separated string.
        if (key.Type == typeof(string[]))
        {
            key.Property!.SetValue(target, children.Count > 0
                ? section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue).Select(c => c.Value ?? "").ToArray()
                : (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return;
        }

        // A map (headers = { accept = "application/json" }): names to text, as written.
        if (key.Type == typeof(Dictionary<string, string>))
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in section.GetChildren())
            {
                if (entry.GetChildren().Any())
                    errors.Add(new ConfigurationError($"{key.Path}.{entry.Key}", "expected a value, got a section"));
                else
                    map[entry.Key] = entry.Value ?? "";
            }
            if (children.Count == 0 && !string.IsNullOrEmpty(text))
                errors.Add(new ConfigurationError(key.Path, $"expected a map like {{ name = \"value\" }}, got {HoconPath.Quote(text)}"));
            else
                key.Property!.SetValue(target, map);
            return;
        }

        if (children.Count > 0)
        {
            errors.Add(new ConfigurationError(key.Path, $"expected a value, got a section (with {string.Join(", ", children)})"));
            return;
        }
        // A HOCON null, or an empty object, leaves the default in place.
        if (text is null)
            return;
        if (OptionValues.TryParse(key.Type, text, out var value, out var expected))
            key.Property!.SetValue(target, value);
        else
            errors.Add(new ConfigurationError(key.Path, $"expected {expected}, got {HoconPath.Quote(text)}"));
    }

    private static ConfigurationError Unknown(OptionsSchema section, string key)
    {
        // Environment variables spell keys in capitals; show them as the file would.
        if (!key.Any(char.IsLower))
            key = key.ToLowerInvariant();
        var path = section.Path.Length == 0 ? key : $"{section.Path}.{key}";
        var known = section.Children.Select(c => c.Key).ToList();
        var suggestion = KeySuggestions.Closest(key, known);
        var where = section.Path.Length == 0 ? "at the top level" : $"in {section.Path}";
        var message = suggestion is not null
            ? $"unknown key; did you mean {suggestion}?"
            : $"unknown key (known {where}: {string.Join(", ", known.Order(StringComparer.Ordinal))})";
        return new ConfigurationError(path, message);
    }
}
