using System.Globalization;
using System.Runtime.CompilerServices;

namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Typed reads with the spec's automatic conversions: strings parse as numbers and booleans
/// (<c>yes</c>/<c>no</c>, <c>on</c>/<c>off</c> too) because values from environment variables are
/// always strings. Null, objects and arrays never convert.
/// </summary>
public sealed partial class HoconConfig
{
    /// <summary>True when the path holds a value other than null.</summary>
    public bool HasPath(string path) => Find(path) is { } value && value is not HoconScalar { Kind: HoconScalarKind.Null };

    /// <summary>The value at the path (null included), or null when there is none.</summary>
    public HoconValue? GetValue(string path) => Find(path);

    public string GetString(string path) => Scalar(path, "a string").Text;

    public bool GetBool(string path)
    {
        var scalar = Scalar(path, "a boolean");
        return scalar.Text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Mismatch(path, scalar, "a boolean (true/false, yes/no, on/off)"),
        };
    }

    public int GetInt(string path) => (int)Integer(path, int.MinValue, int.MaxValue);

    public long GetLong(string path) => Integer(path, long.MinValue, long.MaxValue);

    public double GetDouble(string path)
    {
        var scalar = Scalar(path, "a number");
        return double.TryParse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Mismatch(path, scalar, "a number");
    }

    /// <summary>A duration such as <c>30s</c>; see <see cref="HoconDuration"/>. A plain number is milliseconds.</summary>
    public TimeSpan GetDuration(string path)
    {
        var scalar = Scalar(path, "a duration");
        return HoconDuration.TryParse(scalar.Text, out var value)
            ? value
            : throw Mismatch(path, scalar, "a duration like 30s, 5m or 100ms");
    }

    /// <summary>A size in bytes such as <c>256KB</c>, where K is 1024; see <see cref="HoconSize"/>.</summary>
    public long GetBytes(string path)
    {
        var scalar = Scalar(path, "a size");
        return HoconSize.TryParse(scalar.Text, out var value)
            ? value
            : throw Mismatch(path, scalar, "a size like 256KB");
    }

    public IReadOnlyList<HoconValue> GetList(string path) =>
        Required(path) is HoconArray array ? array.Items : throw Mismatch(path, Required(path), "an array");

    public IReadOnlyList<string> GetStringList(string path) =>
        [.. GetList(path).Select((item, i) => item is HoconScalar { Kind: not HoconScalarKind.Null } scalar
            ? scalar.Text
            : throw Mismatch($"{path}[{i}]", item, "a string"))];

    public HoconObject GetObject(string path) =>
        Required(path) is HoconObject obj ? obj : throw Mismatch(path, Required(path), "an object");

    /// <summary>The object at the path as a document of its own, for reading a section with relative paths.</summary>
    public HoconConfig GetConfig(string path) => new(GetObject(path), FileName);

    private long Integer(string path, long min, long max)
    {
        var scalar = Scalar(path, "an integer");
        if (!long.TryParse(scalar.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            // 1e3 is a valid JSON number and an integer.
            if (!decimal.TryParse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                || number != decimal.Truncate(number) || number < long.MinValue || number > long.MaxValue)
                throw Mismatch(path, scalar, "an integer");
            value = (long)number;
        }
        return value >= min && value <= max
            ? value
            : throw Mismatch(path, scalar, $"an integer between {min} and {max}");
    }

    private HoconScalar Scalar(string path, string expected) =>
        Required(path) switch
        {
            HoconScalar { Kind: HoconScalarKind.Null } nothing => throw new HoconException(nothing.Origin, path, $"is null, expected {expected}"),
            HoconScalar scalar => scalar,
            var other => throw Mismatch(path, other, expected),
        };

    private HoconValue Required(string path) =>
        Find(path) ?? throw new HoconException(new HoconOrigin(FileName, 0, 0), path, "no setting at this path");

    private HoconValue? Find(string path)
    {
        HoconValue current = Root;
        foreach (var key in HoconPath.Parse(path, new HoconOrigin(FileName, 0, 0), path))
        {
            if (current is not HoconObject obj || !obj.TryGetValue(key, out var child))
                return null;
            current = child;
        }
        return current;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static HoconException Mismatch(string path, HoconValue value, string expected) =>
        new(value.Origin, path, $"expected {expected}, got {value.Describe()}");
}
