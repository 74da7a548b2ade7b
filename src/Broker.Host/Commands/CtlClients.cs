using System.Globalization;
using System.Text;
using Broker.Host.Management;
using Broker.Host.Management.Views;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker ctl clients list | show | kick</c>: the cluster's clients through <c>/api/v5/clients</c>, each printed as
/// <c>emqx ctl clients</c> prints one (the fields this broker keeps; it counts no delivered messages per client).
/// </summary>
internal static class CtlClients
{
    public static Func<ManagementClient, Task<int>>? Command(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        if (verb == "list")
            return client => ListAsync(client, output, error, cancellation);
        if (verb is not ("show" or "kick"))
            return null;
        if (CtlArguments.TakePositional(rest, 1) is not [var clientId])
        {
            problem = $"'clients {verb}' needs <clientid>";
            return null;
        }

        var path = PathOf(clientId);
        if (verb == "kick")
            return async client => CtlCommand.Report((await client.SendAsync<ClientJson>(HttpMethod.Delete, path, null, null, cancellation)).Answer.OrMessage("ok"), output, error);
        return async client =>
        {
            var (answer, found) = await client.SendAsync(HttpMethod.Get, path, null, ViewJson.Written.ClientJson, cancellation);
            return found is null ? CtlCommand.Report(answer, output, error) : CtlCommand.Report(answer.OrMessage(Line(found)), output, error);
        };
    }

    /// <summary>The client's path: its id escaped whole, '/' included (the route takes one segment).</summary>
    public static string PathOf(string clientId) => $"{ClientRoutes.Path}/{Uri.EscapeDataString(clientId)}";

    private static async Task<int> ListAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, clients, truncated) = await CtlPages.AllAsync(client, ClientRoutes.Path, ViewJson.Written.PageJsonClientJson, cancellation);
        if (clients is null)
            return CtlCommand.Report(answer, output, error);
        if (clients.Count == 0)
            await output.WriteLineAsync("No clients.");
        var text = new StringBuilder();
        foreach (var found in clients)
            text.AppendLine(Line(found));
        await output.WriteAsync(text.ToString());
        if (truncated)
            await error.WriteLineAsync(CtlPages.TruncatedNote("clients", clients.Count));
        return ExitCodes.Success;
    }

    /// <summary>One client as <c>emqx ctl</c> prints it: times in Unix milliseconds, the session expiry in seconds, "undefined" for what is not known.</summary>
    public static string Line(ClientJson c)
    {
        var peer = c.IpAddress is null ? "undefined" : c.Port is { } port ? $"{Host(c.IpAddress)}:{port}" : c.IpAddress;
        var line = new StringBuilder($"Client({c.Clientid}, username={c.Username ?? "undefined"}, peername={peer}, ");
        line.Append(CultureInfo.InvariantCulture, $"clean_start={Bool(c.CleanStart)}, keepalive={(c.Keepalive is { } keepalive ? keepalive.ToString(CultureInfo.InvariantCulture) : "undefined")}, ");
        line.Append(CultureInfo.InvariantCulture, $"session_expiry_interval={c.ExpiryInterval}, subscriptions={c.SubscriptionsCnt}, inflight={c.InflightCnt}, awaiting_rel={c.AwaitingRelCnt}, ");
        line.Append(CultureInfo.InvariantCulture, $"enqueued_msgs={c.MqueueLen}, dropped_msgs={c.MqueueDropped}, connected={Bool(c.Connected)}, created_at={c.CreatedAt.ToUnixTimeMilliseconds()}");
        line.Append(CultureInfo.InvariantCulture, $", connected_at={(c.ConnectedAt is { } at ? at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "undefined")}");
        if (c.DisconnectedAt is { } gone)
            line.Append(CultureInfo.InvariantCulture, $", disconnected_at={gone.ToUnixTimeMilliseconds()}");
        return line.Append(')').ToString();
    }

    private static string Host(string address) => address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;

    private static string Bool(bool value) => value ? "true" : "false";
}
