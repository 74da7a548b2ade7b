using System.Text.Json.Serialization.Metadata;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary>
/// Every row of a paged /api/v5 list (EMQX's <c>?page=&amp;limit=</c>), read page by page at the largest limit the API
/// takes, and bounded: at most <see cref="MaxPages"/> pages, so that a list growing while it is read cannot keep
/// <c>broker ctl</c> reading for ever.
/// </summary>
internal static class CtlPages
{
    public const int MaxPages = 100;

    /// <summary>The rows, or null with the refusal; <c>Truncated</c> when the bound stopped the reading before the end.</summary>
    public static async Task<(ManagementAnswer Answer, List<T>? Rows, bool Truncated)> AllAsync<T>(
        ManagementClient client, string path, JsonTypeInfo<PageJson<T>> type, CancellationToken cancellation)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var rows = new List<T>();
        for (var page = 1; page <= MaxPages; page++)
        {
            var (answer, body) = await client.SendAsync(HttpMethod.Get, $"{path}{separator}page={page}&limit={ApiRequests.MaxLimit}", null, type, cancellation);
            if (body is null)
                return (answer, null, false);
            rows.AddRange(body.Data);
            if (body.Data.Count == 0 || (long)page * ApiRequests.MaxLimit >= body.Meta.Count)
                return (answer, rows, false);
        }

        return (new ManagementAnswer(System.Net.HttpStatusCode.OK, ""), rows, true);
    }

    /// <summary>The line that says a list was cut short, for the standard error.</summary>
    public static string TruncatedNote(string what, int shown) =>
        $"broker ctl: only the first {shown} {what} are shown ({MaxPages} pages of {ApiRequests.MaxLimit}); filter with the HTTP API for the others";
}
