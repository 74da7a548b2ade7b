using System.Globalization;
using Broker.Core.Messaging;
using Broker.Core.Retained;
using Broker.Mqtt.Topics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Broker.Host.Management;

/// <summary>
/// The retained messages, in EMQX 5's API:
/// <code>
///   GET    /api/v5/mqtt/retainer/messages?page=&amp;limit=&amp;topic=   the unexpired ones (topic: a filter), without payload
///   GET    /api/v5/mqtt/retainer/message/{topic}                the message, its payload in base64; 404 when none
///   DELETE /api/v5/mqtt/retainer/message/{topic}                204; 404 when none
/// </code>
/// Every node of a cluster holds every retained message, so the node asked answers alone. A deletion goes the way a
/// retained PUBLISH with an empty payload goes (<see cref="Retainer.Store"/>): out of memory and storage, and to the
/// other nodes as a tombstone, without being delivered to anybody.
/// </summary>
internal sealed class RetainerRoutes(Retainer retainer, TimeProvider time)
{
    public const string ListPath = "/api/v5/mqtt/retainer/messages";
    public const string MessagePath = "/api/v5/mqtt/retainer/message";

    public static void Map(IEndpointRouteBuilder app, Retainer retainer, TimeProvider time)
    {
        var routes = new RetainerRoutes(retainer, time);
        app.MapGet(ListPath, routes.ListAsync).WithTags("Retainer").WithSummary("The retained messages, without their payloads");
        app.MapGet(MessagePath + "/{**topic}", routes.GetAsync).WithTags("Retainer").WithSummary("One retained message, its payload in base64");
        app.MapDelete(MessagePath + "/{**topic}", routes.DeleteAsync).WithTags("Retainer").WithSummary("Deletes a retained message on every node");
    }

    public async Task ListAsync(HttpContext context)
    {
        if (await ApiRequests.PagingAsync(context) is not { } paging)
            return;
        var filter = context.Request.Query["topic"].ToString();
        if (filter.Length > 0 && !TopicValidator.IsValidFilter(filter))
        {
            await ApiRequests.Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"topic {filter} is not a valid topic filter");
            return;
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var messages = filter.Length > 0 ? retainer.Messages.Match(filter, nowMs) : retainer.Messages.All().Where(m => !m.IsExpired(nowMs));
        var rows = messages.OrderBy(m => m.Topic, StringComparer.Ordinal).Select(m => ToJson(m, withPayload: false)).ToList();
        await ManagementResponses.Json(context, StatusCodes.Status200OK, ApiRequests.Page(rows, paging), OperationsApiJson.Written.PageJsonRetainedMessageJson);
    }

    public async Task GetAsync(HttpContext context)
    {
        if (await FindAsync(context) is { } message)
            await ManagementResponses.Json(context, StatusCodes.Status200OK, ToJson(message, withPayload: true), OperationsApiJson.Written.RetainedMessageJson);
    }

    public async Task DeleteAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } message)
            return;
        var deletion = new ApplicationMessage
        {
            Id = MessageIds.Next(),
            Topic = message.Topic,
            Retain = true,
            ReceivedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        try
        {
            if (retainer.Store(deletion) is { } stored)
                await stored;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await ApiRequests.Error(context, StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", $"storage refused the deletion: {e.Message}");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>The unexpired message of the path's topic, or null after answering 404.</summary>
    private async Task<ApplicationMessage?> FindAsync(HttpContext context)
    {
        var topic = ApiRequests.TopicOf(context, MessagePath);
        if (retainer.Messages.Find(topic) is { } message && !message.IsExpired(time.GetUtcNow().ToUnixTimeMilliseconds()))
            return message;
        await ApiRequests.Error(context, StatusCodes.Status404NotFound, "NOT_FOUND", "Viewed message doesn't exist");
        return null;
    }

    // The publisher's username is not kept with a message here, so it is shown empty (EMQX shows "" when it has none).
    private static RetainedMessageJson ToJson(ApplicationMessage message, bool withPayload) => new(
        message.Id.ToString("X16", CultureInfo.InvariantCulture),
        message.Topic,
        (int)message.QoS,
        DateTimeOffset.FromUnixTimeMilliseconds(message.ReceivedAtMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
        message.PublisherId ?? "",
        "",
        withPayload ? Convert.ToBase64String(message.Payload.Span) : null);
}
