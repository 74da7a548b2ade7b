using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using Broker.Host.Configuration.Hocon;

namespace Broker.Host.Configuration;

/// <summary>
/// A configured duration, read from text such as <c>30s</c>, <c>5m</c>, <c>100ms</c> or <c>2h</c>
/// (a plain number is milliseconds) wherever the value comes from: file, environment or command line.
/// The <see cref="TypeConverter"/> lets the standard configuration binder read it too.
/// </summary>
[TypeConverter(typeof(ParsableConverter<Duration>))]
public readonly record struct Duration(TimeSpan Value) : IComparable<Duration>, IParsable<Duration>
{
    public static Duration FromMilliseconds(long milliseconds) => new(TimeSpan.FromMilliseconds(milliseconds));

    public static Duration FromSeconds(long seconds) => new(TimeSpan.FromSeconds(seconds));

    public static Duration FromMinutes(long minutes) => new(TimeSpan.FromMinutes(minutes));

    public static Duration FromHours(long hours) => new(TimeSpan.FromHours(hours));

    public static Duration Parse(string s, IFormatProvider? provider = null) =>
        TryParse(s, provider, out var result) ? result : throw new FormatException($"expected a duration like 30s, 5m or 100ms, got \"{s}\"");

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Duration result)
    {
        result = default;
        if (s is null || !HoconDuration.TryParse(s, out var value))
            return false;
        result = new Duration(value);
        return true;
    }

    public int CompareTo(Duration other) => Value.CompareTo(other.Value);

    public static bool operator <(Duration left, Duration right) => left.Value < right.Value;

    public static bool operator >(Duration left, Duration right) => left.Value > right.Value;

    public static bool operator <=(Duration left, Duration right) => left.Value <= right.Value;

    public static bool operator >=(Duration left, Duration right) => left.Value >= right.Value;

    /// <summary>In the configuration syntax, largest exact unit: <c>300s</c> prints as <c>5m</c>.</summary>
    public override string ToString() => HoconDuration.Format(Value);
}
