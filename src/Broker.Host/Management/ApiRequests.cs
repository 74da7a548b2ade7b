using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Broker.Host.Management;

/// <summary>What the /api/v5 routes share: JSON bodies read with a clear 400, EMQX's error shape, and its paging.</summary>
internal static class ApiRequests
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    /// <summary>
    /// A body is a user, a ban, a rule list or messages to publish (each at most mqtt.max_packet_size, 1 MB by
    /// default): anything larger is refused, unread when its length is given, and by Kestrel as it comes when it is
    /// chunked (<see cref="HttpEndpoint"/>'s limit).
    /// </summary>
    public const long MaxBodyBytes = 1024 * 1024;

    /// <summary>The body as a <typeparamref name="T"/>, or null after answering 400 (no JSON, bad JSON, too large).</summary>
    public static async Task<T?> ReadBodyAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await Error(context, StatusCodes.Status413PayloadTooLarge, "BAD_REQUEST", $"the body may hold at most {MaxBodyBytes} bytes").ConfigureAwait(false);
            return null;
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted).ConfigureAwait(false);
            if (body is not null)
            {
                return body;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await Error(context, StatusCodes.Status413PayloadTooLarge, "BAD_REQUEST", $"the body may hold at most {MaxBodyBytes} bytes").ConfigureAwait(false);
            return null;
        }
        catch (JsonException e)
        {
            await Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"the body is not the JSON expected: {e.Message}").ConfigureAwait(false);
            return null;
        }

        await Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", "a JSON object is expected").ConfigureAwait(false);
        return null;
    }

    public static Task Error(HttpContext context, int status, string code, string message) =>
        ManagementResponses.Json(context, status, new ApiErrorJson(code, message), SecurityApiJson.Written.ApiErrorJson);

    /// <summary>EMQX's <c>?page=&amp;limit=</c> (page from 1); null after answering 400 for values that are not numbers in range.</summary>
    public static async Task<(int Page, int Limit)?> PagingAsync(HttpContext context)
    {
        var page = Number(context.Request.Query["page"], 1);
        var limit = Number(context.Request.Query["limit"], DefaultLimit);
        if (page is >= 1 && limit is >= 1 and <= MaxLimit)
        {
            return (page.Value, limit.Value);
        }

        await Error(context, StatusCodes.Status400BadRequest, "BAD_REQUEST", $"page must be 1 or more, limit 1 to {MaxLimit}").ConfigureAwait(false);
        return null;
    }

    public static PageJson<T> Page<T>(IReadOnlyList<T> all, (int Page, int Limit) paging) =>
        new([.. all.Skip((paging.Page - 1) * paging.Limit).Take(paging.Limit)], new PageMetaJson(paging.Page, paging.Limit, all.Count));

    /// <summary>
    /// A topic or filter at the end of a path under <paramref name="prefix"/> (the route value <c>{**topic}</c>), its
    /// '/' sent as they are or as %2F, decoded once from the request's raw target (<see cref="RawPathValue"/>).
    /// </summary>
    public static string TopicOf(HttpContext context, string prefix) =>
        RawPathValue(context, prefix, toEnd: true) ?? (string?)context.Request.RouteValues["topic"] ?? "";

    /// <summary>
    /// The path's part after <paramref name="prefix"/> and a '/', to the end (<paramref name="toEnd"/>) or to the next
    /// '/', decoded once from the request's raw target; null when the raw target does not start so. Not the route value:
    /// the server decodes every escape but %2F, so "a%2Fb" and "a/b" or "%2541" and "%41" would come out alike.
    /// </summary>
    public static string? RawPathValue(HttpContext context, string prefix, bool toEnd)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (raw.IndexOf('?', StringComparison.Ordinal) is var query and >= 0)
        {
            raw = raw[..query];
        }

        if (raw.Length <= prefix.Length || !raw.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || raw[prefix.Length] != '/')
        {
            return null;
        }

        var tail = raw[(prefix.Length + 1)..];
        if (!toEnd && tail.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0)
        {
            tail = tail[..slash];
        }

        return Uri.UnescapeDataString(tail);
    }

    private static int? Number(string? text, int absent) =>
        string.IsNullOrEmpty(text) ? absent
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : null;
}
