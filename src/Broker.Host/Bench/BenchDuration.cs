using System.Globalization;

namespace Broker.Host.Bench;

/// <summary>Durations as emqtt-bench and load scripts write them: <c>500ms</c>, <c>10s</c>, <c>2m</c>, <c>1h</c>, or plain seconds.</summary>
public static class BenchDuration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            && double.IsFinite(amount) && amount >= 0 && amount * scale < TimeSpan.MaxValue.TotalSeconds / 2)
        {
            value = TimeSpan.FromSeconds(amount * scale);
            return true;
        }
        value = default;
        return false;
    }
}
