namespace Broker.Host.Configuration;

/// <param name="Key">Dotted path such as <c>mqtt.max_packet_size</c>.</param>
/// <param name="Message">What is wrong and what is allowed, without the key.</param>
public sealed record ConfigurationError(string Key, string Message)
{
    public override string ToString() => $"{Key}: {Message}";
}
