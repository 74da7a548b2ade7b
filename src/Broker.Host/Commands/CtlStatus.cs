using System.Text;
using Broker.Host.Management.Views;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker ctl status</c>: as <c>emqx ctl status</c>, "Node name version is started", and the uptime <c>emqx ctl
/// broker</c> prints, from <c>GET /api/v5/nodes/{node}</c> of the node the endpoint belongs to.
/// </summary>
internal static class CtlStatus
{
    public static Func<ManagementClient, Task<int>> Command(TextWriter output, TextWriter error, CancellationToken cancellation) =>
        client => StatusAsync(client, output, error, cancellation);

    /// <summary>The name of the node behind the endpoint (its cluster address), or null after reporting the refusal.</summary>
    public static async Task<string?> SelfNodeAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, members) = await client.GetMembersAsync(cancellation);
        if (members is null)
            CtlCommand.Report(answer, output, error);
        return members?.SelfNode;
    }

    private static async Task<int> StatusAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        if (await SelfNodeAsync(client, output, error, cancellation) is not { } self)
            return ExitCodes.Refused;
        var (answer, node) = await client.SendAsync(HttpMethod.Get, $"/api/v5/nodes/{Uri.EscapeDataString(self)}", null, ViewJson.Written.NodeJson, cancellation);
        if (node is null)
            return CtlCommand.Report(answer, output, error);
        var state = node.NodeStatus == "running" ? "started" : node.NodeStatus;
        var text = new StringBuilder();
        text.AppendLine($"Node {node.Node} {node.Version} is {state}");
        if (node.Uptime is { } uptime)
            text.AppendLine($"{"uptime",-10}: {Readable(TimeSpan.FromMilliseconds(uptime))}");
        await output.WriteAsync(text.ToString());
        return node.NodeStatus == "running" ? ExitCodes.Success : ExitCodes.Refused;
    }

    /// <summary>"2 days, 3 hours, 0 minutes, 5 seconds", from the largest unit that is not zero, as EMQX words an uptime.</summary>
    public static string Readable(TimeSpan span)
    {
        var parts = new (long Value, string Unit)[] { ((long)span.TotalDays, "days"), (span.Hours, "hours"), (span.Minutes, "minutes"), (span.Seconds, "seconds") };
        var first = Array.FindIndex(parts, p => p.Value != 0);
        return string.Join(", ", parts[(first < 0 ? parts.Length - 1 : first)..].Select(p => $"{p.Value} {p.Unit}"));
    }
}
