using System.ComponentModel;
using System.Globalization;
using System.Text;
using Broker.Host.Configuration.Hocon;

namespace Broker.Host.Configuration;

/// <summary>
/// Converts configuration text to option values and back. Every source delivers text
/// (<c>"30s"</c>, <c>"1884"</c>, <c>"yes"</c>), so the rules are the same whether a value comes
/// from the file, an environment variable or the command line.
/// </summary>
internal static class OptionValues
{
    /// <param name="expected">On failure, what the value should have looked like: "an integer".</param>
    public static bool TryParse(Type type, string text, out object? value, out string expected)
    {
        value = null;
        expected = Expectation(type);
        var trimmed = text.Trim();
        if (type == typeof(string))
        {
            value = text;
            return true;
        }
        if (type == typeof(bool))
        {
            switch (trimmed.ToLowerInvariant())
            {
                case "true" or "yes" or "on": value = true; return true;
                case "false" or "no" or "off": value = false; return true;
                default: return false;
            }
        }
        if (type == typeof(int))
        {
            if (int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
                return Store(true, i, out value);
            if (long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                expected = $"an integer between {int.MinValue} and {int.MaxValue}";
            return false;
        }
        if (type == typeof(long))
            return Store(long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l), l, out value);
        if (type == typeof(double))
        {
            // EMQX writes its watermarks as percentages ("70%"): read as the share, 0.7.
            var percent = trimmed.EndsWith('%');
            var number = percent ? trimmed[..^1].TrimEnd() : trimmed;
            return Store(double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d), percent ? d / 100 : d, out value);
        }
        if (type == typeof(Duration))
            return Store(Duration.TryParse(trimmed, null, out var duration), duration, out value);
        if (type == typeof(ByteSize))
            return Store(ByteSize.TryParse(trimmed, null, out var size), size, out value);
        if (type.IsEnum)
        {
            var match = Enum.GetValues(type).Cast<object>()
                .FirstOrDefault(e => string.Equals(SnakeCase(e.ToString()!), trimmed, StringComparison.OrdinalIgnoreCase));
            return Store(match is not null, match, out value);
        }
        return TryConvert(type, text, out value);
    }

    /// <summary>The value in configuration syntax: strings quoted, durations and sizes in units, enums in snake_case.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => HoconPath.Quote(s),
        string[] list => "[" + string.Join(", ", list.Select(HoconPath.Quote)) + "]",
        Dictionary<string, string> map => "{" + string.Join(", ", map.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{HoconPath.Quote(e.Key)} = {HoconPath.Quote(e.Value)}")) + "}",
        bool b => b ? "true" : "false",
        Enum e => SnakeCase(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    private static string Expectation(Type type) =>
        type == typeof(int) || type == typeof(long) ? "an integer"
        : type == typeof(double) ? "a number (or a percentage like 70%)"
        : type == typeof(bool) ? "true or false"
        : type == typeof(Duration) ? "a duration like 30s, 5m or 100ms"
        : type == typeof(ByteSize) ? "a size like 256KB or 1MB"
        : type == typeof(string[]) ? "a list like [\"a\", \"b\"] or a comma-separated string"
        : type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type).Select(SnakeCase))
        : $"a {type.Name}";

    public static string SnakeCase(string name)
    {
        var result = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                result.Append('_');
            result.Append(char.ToLowerInvariant(name[i]));
        }
        return result.ToString();
    }

    private static bool Store<T>(bool ok, T parsed, out object? value)
    {
        value = ok ? parsed : null;
        return ok;
    }

    private static bool TryConvert(Type type, string text, out object? value)
    {
        value = null;
        var converter = TypeDescriptor.GetConverter(type);
        if (!converter.CanConvertFrom(typeof(string)))
            return false;
        try
        {
            value = converter.ConvertFromInvariantString(text);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
