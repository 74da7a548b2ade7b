using System.Globalization;
using System.Text;
using System.Text.Json;
using Broker.Host.Configuration;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary>
/// <c>broker ctl trace list | start | stop | del</c> through <c>/api/v5/trace</c>. <c>emqx ctl trace start client
/// &lt;ClientId&gt; &lt;File&gt;</c> installs a handler writing to a file of the caller's choosing; here a trace is the
/// API's: named, timed, its log kept by the node (<c>GET /api/v5/trace/{name}/download</c>). So the command takes
/// emqx ctl's words, a file among them, and answers where the log is instead of writing one; the trace is named
/// "CLI-" and its filter as emqx ctl names it, unless <c>--name</c> says otherwise, and it ends after
/// <c>--duration</c> (the API's ten minutes without one).
/// </summary>
internal static class CtlTrace
{
    // A trace logs every packet of what it follows: a year is longer than any an operator means.
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(365);

    public static Func<ManagementClient, Task<int>>? Command(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        switch (verb)
        {
            case "list":
                return client => ListAsync(client, output, error, cancellation);
            case "stop" or "del":
                if (CtlArguments.TakePositional(rest, 1) is not [var name])
                {
                    problem = $"'trace {verb}' needs <name>";
                    return null;
                }

                var path = $"{TraceRoutes.Path}/{Uri.EscapeDataString(name)}";
                return verb == "stop"
                    ? async client => CtlCommand.Report((await client.SendAsync(HttpMethod.Put, path + "/stop", null, OperationsApiJson.Written.TraceJson, cancellation)).Answer.OrMessage($"Stop trace {name} successfully"), output, error)
                    : async client => CtlCommand.Report((await client.SendAsync<TraceJson>(HttpMethod.Delete, path, null, null, cancellation)).Answer.OrMessage($"Del trace {name} successfully"), output, error);
            case "start":
                return Start(rest, output, error, cancellation, out problem);
            default:
                return null;
        }
    }

    private static Func<ManagementClient, Task<int>>? Start(List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        var name = CtlArguments.TakeOption(rest, "--name", ref problem);
        var durationText = CtlArguments.TakeOption(rest, "--duration", ref problem);
        var words = CtlArguments.TakePositional(rest, 2);
        var type = words?[0] switch
        {
            "client" => "clientid",
            "topic" => "topic",
            "ip_address" => "ip_address",
            _ => null,
        };
        if (words is null || type is null)
        {
            problem ??= "'trace start' needs client|topic|ip_address <value> [<file>]";
            return null;
        }

        var file = CtlArguments.TakeOptionalPositional(rest);
        DateTimeOffset? endAt = null;
        if (durationText is not null)
        {
            if (!Duration.TryParse(durationText, CultureInfo.InvariantCulture, out var duration) || duration.Value <= TimeSpan.Zero
                || duration.Value > MaxDuration)
            {
                problem = $"--duration: \"{durationText}\" is not a duration like 30s, 10m or 2h, up to 365d";
                return null;
            }

            endAt = DateTimeOffset.UtcNow + duration.Value;
        }

        var filter = words[1];
        name ??= DefaultName(filter);
        var body = JsonSerializer.Serialize(
            new NewTraceJson(name, type, type == "clientid" ? filter : null, type == "topic" ? filter : null, type == "ip_address" ? filter : null, null, endAt),
            OperationsApiJson.Written.NewTraceJson);
        return async client =>
        {
            var (answer, trace) = await client.SendAsync(HttpMethod.Post, TraceRoutes.Path, body, OperationsApiJson.Written.TraceJson, cancellation);
            if (trace is null)
                return CtlCommand.Report(answer, output, error);
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"trace {type} {filter} {trace.Name} successfully, until {trace.EndAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");
            text.AppendLine($"its log stays on the node{(file is null ? "" : $", not in {file}")}: GET {TraceRoutes.Path}/{Uri.EscapeDataString(trace.Name)}/download");
            await output.WriteAsync(text.ToString());
            return ExitCodes.Success;
        };
    }

    /// <summary>emqx ctl's "CLI-" and the filter, in the letters, digits, '-' and '_' a trace's name may hold.</summary>
    public static string DefaultName(string filter)
    {
        var name = new StringBuilder("CLI-");
        foreach (var c in filter.Take(250))
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return name.ToString();
    }

    private static async Task<int> ListAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, traces) = await client.SendAsync(HttpMethod.Get, TraceRoutes.Path, null, OperationsApiJson.Written.ListTraceJson, cancellation);
        if (traces is null)
            return CtlCommand.Report(answer, output, error);
        if (traces.Count == 0)
        {
            await output.WriteLineAsync("Trace is empty");
            return ExitCodes.Success;
        }

        var text = new StringBuilder();
        foreach (var t in traces)
        {
            var filter = t.Clientid ?? t.Topic ?? t.IpAddress;
            var sizes = string.Join(", ", t.LogSize.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key}={s.Value}")));
            text.AppendLine(CultureInfo.InvariantCulture, $"Trace({t.Name}: {t.Type}={filter}, {t.Status}, LogSize: {sizes})");
        }

        await output.WriteAsync(text.ToString());
        return ExitCodes.Success;
    }
}
