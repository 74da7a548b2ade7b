using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Host.Management;

// The operations' routes speak EMQX 5's REST API (/api/v5/topics, mqtt/retainer, publish, configs, trace): its field
// names, so that its users' scripts work here.

/// <summary>A route: a topic filter (<c>$share/group/filter</c> for another node's shared group) and a node that has subscribers for it.</summary>
internal sealed record TopicRouteJson(string Topic, string Node);

/// <summary>A retained message; the payload (base64) only when one message is asked for.</summary>
internal sealed record RetainedMessageJson(string Msgid, string Topic, int Qos, string PublishAt, string FromClientid, string FromUsername, string? Payload);

/// <summary>POST publish: one message to publish.</summary>
internal sealed record PublishRequestJson(string? Topic, int? Qos, string? Payload, string? PayloadEncoding, bool? Retain, PublishPropertiesJson? Properties);

/// <summary>The MQTT 5 properties a published message may carry, named as EMQX names them.</summary>
internal sealed record PublishPropertiesJson(
    int? PayloadFormatIndicator, uint? MessageExpiryInterval, string? ResponseTopic, string? CorrelationData,
    Dictionary<string, string>? UserProperties, string? ContentType);

/// <summary>A publish's answer: its id, or the PUBACK reason code EMQX would give and its name.</summary>
internal sealed record PublishResultJson(string? Id, int? ReasonCode, string? Message);

/// <summary>POST trace: what to follow (the field named by the type), from when (now) until when (ten minutes after the start).</summary>
internal sealed record NewTraceJson(string? Name, string? Type, string? Clientid, string? Topic, string? IpAddress, DateTimeOffset? StartAt, DateTimeOffset? EndAt);

/// <summary>A trace as EMQX lists it; log_size by node.</summary>
internal sealed record TraceJson(
    string Name, string Type, string? Clientid, string? Topic, string? IpAddress, DateTimeOffset StartAt, DateTimeOffset EndAt, string Status,
    Dictionary<string, long> LogSize);

/// <summary>A part of a trace's log and where the next part starts.</summary>
internal sealed record TraceLogJson(string Items, TraceLogMetaJson Meta);

internal sealed record TraceLogMetaJson(long Position, long Bytes);

/// <summary>Between nodes: a trace made on one node (<see cref="Trace"/>), or why not, with EMQX's code.</summary>
internal sealed record TraceCreatedJson(TraceJson? Trace, string? Code, string? Message);

/// <summary>Between nodes: which part of a trace's log is asked for.</summary>
internal sealed record TraceLogQueryJson(string Name, long Position, int Bytes);

/// <summary>Between nodes: a part of a node's log (raw bytes, so that no character is cut at a part's edge), and the file's size.</summary>
internal sealed record TraceLogPartJson(bool Found, long Position, long Size, byte[] Data);

/// <summary>Between nodes: a root's new values, as <c>PUT /api/v5/configs/{root}</c> took them.</summary>
internal sealed record ConfigChangeJson(string Root, System.Text.Json.Nodes.JsonObject Values);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PageJson<TopicRouteJson>))]
[JsonSerializable(typeof(List<TopicRouteJson>))]
[JsonSerializable(typeof(PageJson<RetainedMessageJson>))]
[JsonSerializable(typeof(RetainedMessageJson))]
[JsonSerializable(typeof(PublishRequestJson))]
[JsonSerializable(typeof(PublishRequestJson[]))]
[JsonSerializable(typeof(PublishResultJson))]
[JsonSerializable(typeof(List<PublishResultJson>))]
[JsonSerializable(typeof(NewTraceJson))]
[JsonSerializable(typeof(TraceJson))]
[JsonSerializable(typeof(List<TraceJson>))]
[JsonSerializable(typeof(TraceLogJson))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(TraceCreatedJson))]
[JsonSerializable(typeof(TraceJson[]))]
[JsonSerializable(typeof(TraceLogQueryJson))]
[JsonSerializable(typeof(TraceLogPartJson))]
[JsonSerializable(typeof(ConfigChangeJson))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class OperationsApiJson : JsonSerializerContext
{
    /// <summary>As the endpoint writes: topics as they are, not \u002B (no HTML reads this).</summary>
    public static OperationsApiJson Written { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
