namespace Broker.Interop.Tests.Infrastructure;

/// <summary>Topics and client ids no other test (nor an earlier run against the same external broker) uses.</summary>
public static class Names
{
    public static string Topic(string test) => $"interop/{test}/{Guid.NewGuid():N}";

    /// <summary>At most 23 characters for a prefix of up to 10, the longest MQTT 3.1 accepts [MQTT-3.1.3-5].</summary>
    public static string ClientId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(23, prefix.Length + 13)];
}
