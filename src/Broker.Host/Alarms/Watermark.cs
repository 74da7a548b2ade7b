namespace Broker.Host.Alarms;

/// <summary>
/// A level with hysteresis, as EMQX's CPU monitor: high once a sample is above <see cref="High"/>, low again only once one
/// is below <see cref="Low"/>, so that a usage hovering around one line does not raise and clear on every check. With
/// both lines the same (the memory watermark) it is a plain threshold.
/// </summary>
public sealed class Watermark
{
    public Watermark(double high, double low)
    {
        if (low > high)
        {
            throw new ArgumentOutOfRangeException(nameof(low), low, $"The low watermark must not be above the high one ({high}).");
        }

        High = high;
        Low = low;
    }

    public double High { get; }

    public double Low { get; }

    public bool IsHigh { get; private set; }

    /// <summary>Takes a sample: true when it crossed above the high line, false when it fell below the low one, null otherwise.</summary>
    public bool? Sample(double usage)
    {
        if (!IsHigh && usage > High)
        {
            IsHigh = true;
            return true;
        }

        if (IsHigh && usage < Low)
        {
            IsHigh = false;
            return false;
        }

        return null;
    }
}
