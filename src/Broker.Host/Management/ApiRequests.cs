using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Broker.Host.Management;

/// <summary>What the /api/v5 routes share: JSON bodies read with a clear 400, EMQX's error shape, and its paging.</summary>
internal static class ApiRequests
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    // A body is a user or a ban: a few hundred bytes. Anything far larger is refused unread.
    private const long MaxBodyBytes = 64 * 1024;

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
    /// The route value <c>{**topic}</c>: a topic or filter in a path, its '/' sent as they are or as %2F (which the
    /// server leaves encoded), so it is unescaped here.
    /// </summary>
    public static string TopicOf(HttpContext context) =>
        Uri.UnescapeDataString((string?)context.Request.RouteValues["topic"] ?? "");

    private static int? Number(string? text, int absent) =>
        string.IsNullOrEmpty(text) ? absent
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : null;
}
