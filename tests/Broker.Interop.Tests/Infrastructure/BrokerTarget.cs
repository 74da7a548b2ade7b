namespace Broker.Interop.Tests.Infrastructure;

/// <summary>Which broker the suite talks to, chosen by the INTEROP_BROKER environment variable.</summary>
public enum BrokerTargetKind
{
    /// <summary>Unset: each test class starts this repository's broker (<c>dotnet broker.dll</c>).</summary>
    Ours,

    /// <summary><c>INTEROP_BROKER=mosquitto</c>: each test class starts Debian's mosquitto on free ports.</summary>
    Mosquitto,

    /// <summary>
    /// <c>INTEROP_BROKER=host:port</c>: a broker someone else started; MQTT over WebSocket needs
    /// INTEROP_BROKER_WS (e.g. ws://127.0.0.1:8083/mqtt) as well.
    /// </summary>
    External,
}

public static class BrokerTarget
{
    public const string Variable = "INTEROP_BROKER";
    public const string WebSocketVariable = "INTEROP_BROKER_WS";

    public static BrokerTargetKind Kind => Environment.GetEnvironmentVariable(Variable) switch
    {
        null or "" or "ours" => BrokerTargetKind.Ours,
        "mosquitto" => BrokerTargetKind.Mosquitto,
        _ => BrokerTargetKind.External,
    };

    /// <summary>The endpoint given by INTEROP_BROKER and INTEROP_BROKER_WS.</summary>
    public static BrokerEndpoint External()
    {
        var value = Environment.GetEnvironmentVariable(Variable)!;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), out var port))
            throw new InvalidOperationException($"{Variable}={value}: expected host:port, 'mosquitto' or 'ours'");
        var ws = Environment.GetEnvironmentVariable(WebSocketVariable);
        return new BrokerEndpoint(value[..colon], port, string.IsNullOrEmpty(ws) ? null : new Uri(ws));
    }
}

/// <summary>Where clients connect: MQTT over TCP, and over WebSocket when the broker offers it.</summary>
public sealed record BrokerEndpoint(string Host, int Port, Uri? WebSocket)
{
    public string TcpUrl => $"mqtt://{Host}:{Port}";
}
