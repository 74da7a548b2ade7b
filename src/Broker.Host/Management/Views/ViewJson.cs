using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Host.Management.Views;

// The cluster-wide views of EMQX 5's API (/api/v5/clients, subscriptions, nodes, stats, metrics): the JSON the routes
// write, which is also what each node answers a cluster query with (Views/NodeAnswers), and the queries' own bodies.

/// <summary>A client as EMQX lists it: only the fields this broker can fill truthfully (no heap_size, reductions, mailbox_len).</summary>
internal sealed record ClientJson
{
    public required string Clientid { get; init; }
    public string? Username { get; init; }
    public required string Node { get; init; }
    public string? IpAddress { get; init; }
    public int? Port { get; init; }
    public bool Connected { get; init; }
    public DateTimeOffset? ConnectedAt { get; init; }
    public DateTimeOffset? DisconnectedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public int? Keepalive { get; init; }
    public bool CleanStart { get; init; }
    public long ExpiryInterval { get; init; }
    public string ProtoName { get; init; } = "MQTT";
    public int ProtoVer { get; init; }
    public int SubscriptionsCnt { get; init; }
    public int InflightCnt { get; init; }
    public int InflightMax { get; init; }
    public int MqueueLen { get; init; }
    public int MqueueMax { get; init; }
    public long MqueueDropped { get; init; }
    public int AwaitingRelCnt { get; init; }
    public long? RecvOct { get; init; }
    public long? SendOct { get; init; }
}

/// <summary>The filters of <c>GET /api/v5/clients</c>; null: not filtered on. Times in Unix milliseconds.</summary>
internal sealed record ClientFilter
{
    public string? Clientid { get; init; }
    public string? Username { get; init; }
    public string? IpAddress { get; init; }
    public bool? Connected { get; init; }
    public int? ProtoVer { get; init; }
    public string? LikeClientid { get; init; }
    public string? LikeUsername { get; init; }
    public bool? CleanStart { get; init; }
    public long? GteConnectedAt { get; init; }
    public long? LteConnectedAt { get; init; }

    /// <summary>Filters only a session's last CONNECT or its connection can answer (not its client id).</summary>
    [JsonIgnore]
    public bool NeedsSessionInfo => Username is not null || IpAddress is not null || ProtoVer is not null || LikeUsername is not null
        || CleanStart is not null || GteConnectedAt is not null || LteConnectedAt is not null;
}

/// <summary>A subscription as EMQX lists it.</summary>
internal sealed record SubscriptionJson(string Node, string Clientid, string Topic, int Qos, int Nl, int Rap, int Rh);

/// <summary>The filters of <c>GET /api/v5/subscriptions</c>.</summary>
internal sealed record SubscriptionFilter(string? Clientid, string? Topic, int? Qos, string? ShareGroup, string? MatchTopic);

/// <summary>A node as <c>GET /api/v5/nodes</c> shows it; a member that does not answer shows its name, status and role only.</summary>
internal sealed record NodeJson
{
    public required string Node { get; init; }
    public required string NodeStatus { get; init; }
    public string Role { get; init; } = "core";
    public long? Uptime { get; init; }
    public string? Version { get; init; }
    public string? Edition { get; init; }
    public int? Connections { get; init; }
    public int? LiveConnections { get; init; }
    public int? ClusterSessions { get; init; }
    public long? MemoryTotal { get; init; }
    public long? MemoryUsed { get; init; }
    public int? ProcessUsed { get; init; }
    public string? SysPath { get; init; }
}

/// <summary>A cluster query's body: a page (offset, limit) of what the filter selects on one node.</summary>
internal sealed record PageQuery<TFilter>(TFilter Filter, int Offset, int Limit);

/// <summary>A cluster query about one client id, with what to do (subscribe: the subscriptions; unsubscribe: the topics).</summary>
internal sealed record ClientCommand(string Clientid, IReadOnlyList<SubscribeJson>? Subscribe = null, IReadOnlyList<string>? Unsubscribe = null);

/// <summary>POST /clients/{clientid}/subscribe: EMQX's body, and one element of /subscribe/bulk.</summary>
internal sealed record SubscribeJson(string? Topic, int? Qos, int? Nl, int? Rap, int? Rh);

/// <summary>POST /clients/{clientid}/unsubscribe: EMQX's body, and one element of /unsubscribe/bulk.</summary>
internal sealed record UnsubscribeJson(string? Topic);

/// <summary>A subscription made on the client's behalf, as EMQX answers it.</summary>
internal sealed record SubscribedJson(string Clientid, string Topic, int Qos, string Node);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClientJson))]
[JsonSerializable(typeof(ClientJson[]))]
[JsonSerializable(typeof(PageJson<ClientJson>))]
[JsonSerializable(typeof(ClientFilter))]
[JsonSerializable(typeof(PageQuery<ClientFilter>))]
[JsonSerializable(typeof(SubscriptionJson[]))]
[JsonSerializable(typeof(PageJson<SubscriptionJson>))]
[JsonSerializable(typeof(SubscriptionFilter))]
[JsonSerializable(typeof(PageQuery<SubscriptionFilter>))]
[JsonSerializable(typeof(NodeJson))]
[JsonSerializable(typeof(NodeJson[]))]
[JsonSerializable(typeof(ClientCommand))]
[JsonSerializable(typeof(SubscribeJson))]
[JsonSerializable(typeof(SubscribeJson[]))]
[JsonSerializable(typeof(UnsubscribeJson))]
[JsonSerializable(typeof(UnsubscribeJson[]))]
[JsonSerializable(typeof(SubscribedJson))]
[JsonSerializable(typeof(SubscribedJson[]))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(bool[]))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(Dictionary<string, long>[]))]
internal sealed partial class ViewJson : JsonSerializerContext
{
    /// <summary>As the endpoint writes and the nodes answer: client ids and topics as they are, not \u0027.</summary>
    public static ViewJson Written { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
