using System.Text.Json;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// One JSON line printed by a script of tests/interop-py or tests/interop-js: <c>{"event": "...", ...}</c>.
/// </summary>
public static class ClientEvent
{
    public static Func<string, bool> Named(string name) => line => NameOf(line) == name;

    public static JsonElement Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    public static string? NameOf(string line)
    {
        if (!line.StartsWith('{'))
            return null;
        try
        {
            return Parse(line).TryGetProperty("event", out var name) ? name.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Payload(string line) => Parse(line).GetProperty("payload").GetString()!;
}
