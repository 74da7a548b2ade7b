using System.Text;
using System.Text.Json;
using Broker.Core.Security.Dashboard;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary><c>broker ctl api_key list | add | del</c>: the HTTP API's keys through the API.</summary>
internal static class CtlApiKeys
{
    public static Func<ManagementClient, Task<int>>? Command(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        if (verb == "list")
            return client => ListAsync(client, output, error, cancellation);
        if (verb is not ("add" or "del"))
            return null;
        var role = CtlArguments.TakeOption(rest, "--role", ref problem) ?? AdminRole.Administrator;
        var description = CtlArguments.TakeOption(rest, "--desc", ref problem);
        var expiredAt = CtlArguments.TakeOption(rest, "--expired-at", ref problem);
        var words = CtlArguments.TakePositional(rest, 1);
        if (words is null || !AdminRole.IsKnown(role))
        {
            problem ??= words is null ? $"'api_key {verb}' needs <name>" : $"--role is {AdminRole.Administrator} or {AdminRole.Viewer}";
            return null;
        }

        if (verb == "del")
        {
            return async client => CtlCommand.Report((await client.SendAsync<ApiKeyJson>(HttpMethod.Delete, $"{ApiKeyRoutes.Path}/{Uri.EscapeDataString(words[0])}", null, null, cancellation))
                .Answer.OrMessage($"API key {words[0]} deleted"), output, error);
        }

        var expiry = expiredAt is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(expiredAt, AccessApiJson.Written.String);
        var body = JsonSerializer.Serialize(new ApiKeyRequestJson(words[0], description, true, expiry, role), AccessApiJson.Written.ApiKeyRequestJson);
        return async client =>
        {
            var (answer, key) = await client.SendAsync(HttpMethod.Post, ApiKeyRoutes.Path, body, AccessApiJson.Written.ApiKeyJson, cancellation);
            if (key is null)
                return CtlCommand.Report(answer, output, error);
            await output.WriteLineAsync($"api_key:    {key.ApiKey}\napi_secret: {key.ApiSecret}\n(the secret is shown this once; use them as HTTP Basic key:secret)");
            return ExitCodes.Success;
        };
    }

    private static async Task<int> ListAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, keys) = await client.SendAsync(HttpMethod.Get, ApiKeyRoutes.Path, null, AccessApiJson.Written.ApiKeyJsonArray, cancellation);
        if (keys is null)
            return CtlCommand.Report(answer, output, error);
        var text = new StringBuilder();
        var width = Math.Max("name".Length, keys.Select(k => k.Name.Length).DefaultIfEmpty(0).Max());
        text.AppendLine($"{"name".PadRight(width)}  {"api_key",-16}  {"role",-13}  enabled  expires");
        foreach (var key in keys)
            text.AppendLine($"{key.Name.PadRight(width)}  {key.ApiKey,-16}  {key.Role,-13}  {(key.Enable ? "yes" : "no"),-7}  {(key.Expired ? "expired " : "")}{key.ExpiredAt}");
        await output.WriteAsync(text.ToString());
        return ExitCodes.Success;
    }
}
