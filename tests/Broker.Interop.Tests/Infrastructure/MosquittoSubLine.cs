namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// A message as mosquitto_sub prints it with <c>-F</c> <see cref="Format"/>. Its debug lines (<c>-d</c>, used to
/// see the SUBACK) start with "Client " or "Subscribed", never with the "m|" prefix.
/// </summary>
public sealed record MosquittoSubLine(int Qos, bool Retained, string Topic, string UserProperties, string Payload)
{
    /// <summary>QoS, retain flag, topic, v5 user properties ("k:v k2:v2"), payload.</summary>
    public const string Format = "m|%q|%r|%t|%P|%p";

    public static bool IsMessage(string line) => line.StartsWith("m|", StringComparison.Ordinal);

    public static bool IsSuback(string line) => line.Contains("received SUBACK", StringComparison.Ordinal);

    public static MosquittoSubLine Parse(string line)
    {
        var parts = line.Split('|', 6);
        if (parts.Length != 6 || parts[0] != "m")
            throw new FormatException($"not a mosquitto_sub message line: {line}");
        return new MosquittoSubLine(int.Parse(parts[1]), parts[2] == "1", parts[3], parts[4], parts[5]);
    }
}
