using System.Text;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker ctl topics list | show</c>: the cluster's routes through <c>/api/v5/topics</c>, printed as <c>emqx ctl
/// topics</c> prints them, "filter -> node".
/// </summary>
internal static class CtlTopics
{
    public static Func<ManagementClient, Task<int>>? Command(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        if (verb == "list")
            return client => ListAsync(client, output, error, cancellation);
        if (verb != "show")
            return null;
        if (CtlArguments.TakePositional(rest, 1) is not [var topic])
        {
            problem = "'topics show' needs <topic>";
            return null;
        }

        return async client =>
        {
            var (answer, routes) = await client.SendAsync(HttpMethod.Get, $"{TopicRoutes.Path}/{Uri.EscapeDataString(topic)}", null, OperationsApiJson.Written.ListTopicRouteJson, cancellation);
            if (routes is null)
                return CtlCommand.Report(answer, output, error);
            await PrintAsync(routes, output);
            return ExitCodes.Success;
        };
    }

    private static async Task<int> ListAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, routes, truncated) = await CtlPages.AllAsync(client, TopicRoutes.Path, OperationsApiJson.Written.PageJsonTopicRouteJson, cancellation);
        if (routes is null)
            return CtlCommand.Report(answer, output, error);
        await PrintAsync(routes, output);
        if (truncated)
            await error.WriteLineAsync(CtlPages.TruncatedNote("topics", routes.Count));
        return ExitCodes.Success;
    }

    private static Task PrintAsync(IReadOnlyCollection<TopicRouteJson> routes, TextWriter output)
    {
        if (routes.Count == 0)
            return output.WriteLineAsync("No topics.");
        var text = new StringBuilder();
        foreach (var route in routes)
            text.AppendLine($"{route.Topic} -> {route.Node}");
        return output.WriteAsync(text.ToString());
    }
}
