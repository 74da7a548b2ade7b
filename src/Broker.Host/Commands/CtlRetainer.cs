using System.Net;
using System.Text;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker ctl retainer info | topics | clean [&lt;topic filter&gt;]</c>, as <c>emqx ctl retainer</c>, through
/// <c>/api/v5/mqtt/retainer/messages</c>. The API deletes one message at a time, so <c>clean</c> lists the messages
/// first (all, or those the topic filter matches) and deletes each: as many requests as messages, bounded as every
/// list is (<see cref="CtlPages"/>).
/// </summary>
internal static class CtlRetainer
{
    public static Func<ManagementClient, Task<int>>? Command(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        switch (verb)
        {
            case "info":
                return client => InfoAsync(client, output, error, cancellation);
            case "topics":
                return client => TopicsAsync(client, output, error, cancellation);
            case "clean":
                var filter = CtlArguments.TakeOptionalPositional(rest);
                return client => CleanAsync(client, filter, output, error, cancellation);
            default:
                return null;
        }
    }

    private static async Task<int> InfoAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, page) = await client.SendAsync(HttpMethod.Get, $"{RetainerRoutes.ListPath}?limit=1", null, OperationsApiJson.Written.PageJsonRetainedMessageJson, cancellation);
        if (page is null)
            return CtlCommand.Report(answer, output, error);
        await output.WriteLineAsync($"Number of retained messages: {page.Meta.Count}");
        return ExitCodes.Success;
    }

    private static async Task<int> TopicsAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, messages, truncated) = await CtlPages.AllAsync(client, RetainerRoutes.ListPath, OperationsApiJson.Written.PageJsonRetainedMessageJson, cancellation);
        if (messages is null)
            return CtlCommand.Report(answer, output, error);
        var text = new StringBuilder();
        text.AppendLine($"Number of retained messages: {messages.Count}");
        foreach (var message in messages)
            text.AppendLine(message.Topic);
        await output.WriteAsync(text.ToString());
        if (truncated)
            await error.WriteLineAsync(CtlPages.TruncatedNote("retained messages", messages.Count));
        return ExitCodes.Success;
    }

    private static async Task<int> CleanAsync(ManagementClient client, string? filter, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var path = filter is null ? RetainerRoutes.ListPath : $"{RetainerRoutes.ListPath}?topic={Uri.EscapeDataString(filter)}";
        var (answer, messages, truncated) = await CtlPages.AllAsync(client, path, OperationsApiJson.Written.PageJsonRetainedMessageJson, cancellation);
        if (messages is null)
            return CtlCommand.Report(answer, output, error);
        var deleted = 0;
        // Without a topic, what "#" matches: the broker's own $SYS messages (its version, description, nodes) stay
        // unless named, as a subscription to "#" leaves them out.
        var kept = filter is null ? messages.Count(m => m.Topic.StartsWith('$')) : 0;
        foreach (var message in filter is null ? messages.Where(m => !m.Topic.StartsWith('$')) : messages)
        {
            var (gone, _) = await client.SendAsync<RetainedMessageJson>(HttpMethod.Delete, $"{RetainerRoutes.MessagePath}/{Uri.EscapeDataString(message.Topic)}", null, null, cancellation);
            // Expired or deleted by someone else since it was listed: gone all the same.
            if (gone.Status == HttpStatusCode.NotFound)
                continue;
            if (!gone.IsSuccess)
            {
                await output.WriteLineAsync($"{deleted} retained messages deleted before a refusal");
                return CtlCommand.Report(gone, output, error);
            }

            deleted++;
        }

        await output.WriteLineAsync($"{deleted} retained messages deleted{(kept > 0 ? $" ({kept} of $-topics kept: name them to delete them, as '$SYS/#')" : "")}");
        if (truncated)
            await error.WriteLineAsync($"broker ctl: more retained messages than one run lists ({messages.Count}): run clean again");
        return ExitCodes.Success;
    }
}
