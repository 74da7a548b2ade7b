namespace Broker.Host.Tracing;

/// <summary>What a trace follows, as EMQX's <c>type</c>: a client id, a topic (a filter), or a client's address.</summary>
internal enum TraceType
{
    ClientId,
    Topic,
    IpAddress,
}

internal static class TraceTypeNames
{
    public const string Known = "clientid, topic, ip_address";

    public static string Format(TraceType type) => type switch
    {
        TraceType.ClientId => "clientid",
        TraceType.Topic => "topic",
        _ => "ip_address",
    };

    public static bool TryParse(string? name, out TraceType type)
    {
        switch (name)
        {
            case "clientid":
                type = TraceType.ClientId;
                return true;
            case "topic":
                type = TraceType.Topic;
                return true;
            case "ip_address":
                type = TraceType.IpAddress;
                return true;
            default:
                type = default;
                return false;
        }
    }
}
