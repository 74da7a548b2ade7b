using System.Globalization;
using System.Text;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using IRouter = Broker.Core.Routing.IRouter;
using Broker.Mqtt;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Topics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// Publishing through the API, in EMQX 5's shape:
/// <code>
///   POST /api/v5/publish       {"topic","qos","payload","payload_encoding":"plain|base64","retain","properties":{...}}
///   POST /api/v5/publish/bulk  [ the same, ... ]
/// </code>
/// Each message goes through the node's router as a client's would (retained when asked, to every matching subscriber
/// of the cluster), from no client: nobody's No Local excludes it. The answer is EMQX's: 200 <c>{"id"}</c> when some
/// subscriber matched, 202 <c>{"reason_code":16,"message":"no_matching_subscribers"}</c> when none did (a bulk: 200
/// when all matched, else 202, with one answer per message), 400 for a request that cannot be published (a bulk is
/// published whole or not at all).
/// </summary>
internal sealed class PublishRoutes(IRouter router, Func<MqttSettings> settings, TimeProvider time)
{
    public const string Path = "/api/v5/publish";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Map(IEndpointRouteBuilder app, IRouter router, Func<MqttSettings> settings, TimeProvider time)
    {
        var publish = new PublishRoutes(router, settings, time);
        app.MapPost(Path, publish.PublishAsync).WithTags("Publish").WithSummary("Publishes one message");
        app.MapPost(Path + "/bulk", publish.PublishBulkAsync).WithTags("Publish").WithSummary("Publishes several messages");
    }

    public async Task PublishAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, OperationsApiJson.Written.PublishRequestJson) is not { } request)
            return;
        if (await ToMessageAsync(context, request) is not { } message)
            return;
        var (status, answer) = Publish(message);
        await ManagementResponses.Json(context, status, answer, OperationsApiJson.Written.PublishResultJson);
    }

    public async Task PublishBulkAsync(HttpContext context)
    {
        if (await ApiRequests.ReadBodyAsync(context, OperationsApiJson.Written.PublishRequestJsonArray) is not { } requests)
            return;
        if (requests.Length == 0)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", "empty_batch: the array holds no message");
            return;
        }

        var messages = new List<ApplicationMessage>(requests.Length);
        foreach (var request in requests)
        {
            if (await ToMessageAsync(context, request) is not { } message)
                return;
            messages.Add(message);
        }

        var results = messages.Select(Publish).ToList();
        var status = results.All(r => r.Status == StatusCodes.Status200OK) ? StatusCodes.Status200OK : StatusCodes.Status202Accepted;
        await ManagementResponses.Json(context, status, results.Select(r => r.Answer).ToList(), OperationsApiJson.Written.ListPublishResultJson);
    }

    private (int Status, PublishResultJson Answer) Publish(ApplicationMessage message) =>
        router.Publish(message) > 0
            ? (StatusCodes.Status200OK, new PublishResultJson(message.Id.ToString("X16", CultureInfo.InvariantCulture), null, null))
            : (StatusCodes.Status202Accepted, new PublishResultJson(null, (int)ReasonCode.NoMatchingSubscribers, "no_matching_subscribers"));

    /// <summary>The message the request asks for, or null after answering 400 naming what is wrong.</summary>
    private async Task<ApplicationMessage?> ToMessageAsync(HttpContext context, PublishRequestJson request)
    {
        if (request.Topic is not { } topic || !IsValidTopicName(topic))
        {
            await Refuse(context, ReasonCode.TopicNameInvalid, "topic_name_invalid",
                "topic must be a topic name: 1 to 65535 bytes of UTF-8, no wildcard (+ #), no U+0000");
            return null;
        }

        // $SYS is the broker's own: an operator's message there would pass for the broker's figures and events.
        if (topic.StartsWith("$SYS/", StringComparison.Ordinal) || topic == "$SYS")
        {
            await Refuse(context, ReasonCode.TopicNameInvalid, "topic_name_invalid", "$SYS topics are published by the broker only");
            return null;
        }

        if (request.Retain == true && !settings().RetainAvailable)
        {
            await Refuse(context, ReasonCode.RetainNotSupported, "retain_not_supported", "mqtt.retain_available is false");
            return null;
        }

        if (request.Properties?.ResponseTopic is { } responseTopic && !IsValidTopicName(responseTopic))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST",
                "properties.response_topic must be a topic name, with no wildcard [MQTT-3.3.2-14]");
            return null;
        }

        if (request.Qos is < 0 or > 2)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"qos must be 0, 1 or 2, not {request.Qos}");
            return null;
        }

        if (request.Payload is null)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", "payload is required (\"\" for an empty one)");
            return null;
        }

        if (Decode(request.Payload, request.PayloadEncoding ?? "plain") is not { } payload)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST",
                request.PayloadEncoding is "base64" ? "payload is not valid base64" : $"payload_encoding must be plain or base64, not {request.PayloadEncoding}");
            return null;
        }

        if (payload.Length + Encoding.UTF8.GetByteCount(topic) > settings().MaxPacketSize)
        {
            await Refuse(context, ReasonCode.QuotaExceeded, "packet_too_large", $"the message is larger than mqtt.max_packet_size ({settings().MaxPacketSize} bytes)");
            return null;
        }

        if (ToProperties(request.Properties) is not { } properties)
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", "properties.payload_format_indicator must be 0 or 1");
            return null;
        }

        return new ApplicationMessage
        {
            Id = MessageIds.Next(),
            Topic = topic,
            Payload = payload,
            QoS = (QualityOfService)(request.Qos ?? 0),
            Retain = request.Retain ?? false,
            Properties = properties,
            ReceivedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
    }

    private static bool IsValidTopicName(string topic)
    {
        if (!TopicValidator.IsValidTopicName(topic) || topic.Contains('\0', StringComparison.Ordinal))
            return false;
        try
        {
            return StrictUtf8.GetByteCount(topic) <= ushort.MaxValue;
        }
        catch (EncoderFallbackException)
        {
            return false; // a lone surrogate, which \uD800 in JSON can carry: not UTF-8
        }
    }

    private static byte[]? Decode(string payload, string encoding)
    {
        switch (encoding)
        {
            case "plain":
                return Encoding.UTF8.GetBytes(payload);
            case "base64":
                try
                {
                    return Convert.FromBase64String(payload);
                }
                catch (FormatException)
                {
                    return null;
                }

            default:
                return null;
        }
    }

    private static MqttProperties? ToProperties(PublishPropertiesJson? json)
    {
        if (json is null)
            return MqttProperties.Empty;
        if (json.PayloadFormatIndicator is not (null or 0 or 1))
            return null;
        return new MqttProperties
        {
            PayloadFormatIndicator = (PayloadFormatIndicator?)json.PayloadFormatIndicator,
            MessageExpiryInterval = json.MessageExpiryInterval,
            ContentType = json.ContentType,
            ResponseTopic = json.ResponseTopic,
            CorrelationData = json.CorrelationData is { } data ? Encoding.UTF8.GetBytes(data) : null,
            UserProperties = json.UserProperties is { } user ? [.. user.Select(p => new UserProperty(p.Key, p.Value))] : [],
        };
    }

    // EMQX answers these with the PUBACK reason code it would have given and its name.
    private static Task Refuse(HttpContext context, ReasonCode code, string name, string detail) =>
        ManagementResponses.Json(context, StatusCodes.Status400BadRequest,
            new PublishResultJson(null, (int)code, $"{name}: {detail}"), OperationsApiJson.Written.PublishResultJson);
}
