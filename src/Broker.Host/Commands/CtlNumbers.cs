using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker ctl metrics</c> and <c>broker ctl stats</c>: the node's own numbers from <c>/api/v5/metrics</c> and
/// <c>/api/v5/stats</c>, as <c>emqx ctl broker metrics|stats</c> prints them: "name : value", sorted by name.
/// </summary>
internal static class CtlNumbers
{
    public static Func<ManagementClient, Task<int>> Command(string path, TextWriter output, TextWriter error, CancellationToken cancellation) =>
        client => PrintAsync(client, path, output, error, cancellation);

    private static async Task<int> PrintAsync(ManagementClient client, string path, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        if (await CtlStatus.SelfNodeAsync(client, output, error, cancellation) is not { } self)
            return ExitCodes.Refused;
        var (answer, nodes) = await client.SendAsync(HttpMethod.Get, path, null, CtlJson.Default.JsonArray, cancellation);
        if (nodes is null)
            return CtlCommand.Report(answer, output, error);
        if (nodes.OfType<JsonObject>().FirstOrDefault(n => (string?)n["node"] == self) is not { } own)
        {
            await error.WriteLineAsync($"broker ctl: {path} has no numbers of {self} (it did not answer in time)");
            return ExitCodes.Refused;
        }

        var text = new StringBuilder();
        foreach (var (name, value) in own.Where(p => p.Key != "node").OrderBy(p => p.Key, StringComparer.Ordinal))
            text.AppendLine(CultureInfo.InvariantCulture, $"{name,-30}: {Number(value)}");
        await output.WriteAsync(text.ToString());
        return ExitCodes.Success;
    }

    private static string Number(JsonNode? value) =>
        value is JsonValue number && number.GetValueKind() == JsonValueKind.Number ? number.ToJsonString() : value?.ToJsonString() ?? "undefined";
}
