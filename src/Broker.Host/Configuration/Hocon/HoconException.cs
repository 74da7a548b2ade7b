namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// A syntax, include, substitution or type error, with a message shaped like a compiler's:
/// <c>hocon/broker.conf:12:5: mqtt.max_packet_size: expected a size like 256KB, got "lots"</c>.
/// </summary>
public sealed class HoconException : Exception
{
    public HoconException(HoconOrigin origin, string? path, string reason)
        : base(Format(origin, path, reason))
    {
        Origin = origin;
        Path = path;
        Reason = reason;
    }

    public HoconOrigin Origin { get; }

    /// <summary>The key path the error is about, when there is one.</summary>
    public string? Path { get; }

    /// <summary>The message without the location prefix.</summary>
    public string Reason { get; }

    private static string Format(HoconOrigin origin, string? path, string reason) =>
        string.IsNullOrEmpty(path) ? $"{origin}: {reason}" : $"{origin}: {path}: {reason}";
}
