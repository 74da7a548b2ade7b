using System.Text;
using System.Text.Json;
using Broker.Host.Management;
using Broker.Host.Management.Views;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker ctl subscriptions list | show | add | del</c>: the cluster's subscriptions through
/// <c>/api/v5/subscriptions</c> and a client's own through <c>/api/v5/clients/{clientid}/...</c>, printed as
/// <c>emqx ctl subscriptions</c> prints them.
/// </summary>
internal static class CtlSubscriptions
{
    public static Func<ManagementClient, Task<int>>? Command(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        var (wanted, words) = verb switch
        {
            "list" => (0, ""),
            "show" => (1, "<clientid>"),
            "add" => (3, "<clientid> <topic> <qos>"),
            "del" => (2, "<clientid> <topic>"),
            _ => (-1, ""),
        };
        if (wanted < 0)
            return null;
        if (CtlArguments.TakePositional(rest, wanted) is not { } taken)
        {
            problem = $"'subscriptions {verb}' needs {words}";
            return null;
        }

        switch (verb)
        {
            case "list":
                return client => ListAsync(client, output, error, cancellation);
            case "show":
                return client => ShowAsync(client, taken[0], output, error, cancellation);
            case "add":
                if (taken[2] is not ("0" or "1" or "2"))
                {
                    problem = "QoS should be 0, 1, 2";
                    return null;
                }

                var subscribe = JsonSerializer.Serialize(new SubscribeJson(taken[1], taken[2][0] - '0', null, null, null), ViewJson.Written.SubscribeJson);
                return async client => CtlCommand.Report(
                    (await client.SendAsync(HttpMethod.Post, CtlClients.PathOf(taken[0]) + "/subscribe", subscribe, ViewJson.Written.SubscribedJson, cancellation)).Answer.OrMessage("ok"),
                    output, error);
            default:
                var unsubscribe = JsonSerializer.Serialize(new UnsubscribeJson(taken[1]), ViewJson.Written.UnsubscribeJson);
                return async client => CtlCommand.Report(
                    (await client.SendAsync<SubscribedJson>(HttpMethod.Post, CtlClients.PathOf(taken[0]) + "/unsubscribe", unsubscribe, null, cancellation)).Answer.OrMessage("ok"),
                    output, error);
        }
    }

    private static async Task<int> ListAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, subscriptions, truncated) = await CtlPages.AllAsync(client, SubscriptionRoutes.Path, ViewJson.Written.PageJsonSubscriptionJson, cancellation);
        if (subscriptions is null)
            return CtlCommand.Report(answer, output, error);
        await PrintAsync(subscriptions, output);
        if (truncated)
            await error.WriteLineAsync(CtlPages.TruncatedNote("subscriptions", subscriptions.Count));
        return ExitCodes.Success;
    }

    private static async Task<int> ShowAsync(ManagementClient client, string clientId, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, subscriptions) = await client.SendAsync(HttpMethod.Get, CtlClients.PathOf(clientId) + "/subscriptions", null, ViewJson.Written.SubscriptionJsonArray, cancellation);
        if (subscriptions is null)
            return CtlCommand.Report(answer, output, error);
        await PrintAsync(subscriptions, output);
        return ExitCodes.Success;
    }

    private static Task PrintAsync(IReadOnlyCollection<SubscriptionJson> subscriptions, TextWriter output)
    {
        if (subscriptions.Count == 0)
            return output.WriteLineAsync("No subscriptions.");
        var text = new StringBuilder();
        foreach (var s in subscriptions)
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{s.Clientid} -> topic:{s.Topic} qos:{s.Qos} nl:{s.Nl} rh:{s.Rh} rap:{s.Rap}");
        return output.WriteAsync(text.ToString());
    }
}
