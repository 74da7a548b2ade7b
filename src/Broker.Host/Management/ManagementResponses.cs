using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Broker.Host.Management;

/// <summary>Writes the endpoint's answers: JSON, with the status code first.</summary>
internal static class ManagementResponses
{
    public static Task Json<T>(HttpContext context, int status, T value, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    public static Task Message(HttpContext context, int status, string message) =>
        Json(context, status, new MessageJson(message), ManagementJson.Written.MessageJson);

    /// <summary>A form field of the request, or null when the request has no form or the form no such field.</summary>
    public static async Task<string?> FormField(HttpContext context, string name)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        return form.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.ToString() : null;
    }
}
