using System.Globalization;
using System.Text;
using Broker.Core.Security.Protection;
using Broker.Host.Configuration;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary><c>broker ctl banned list | add | del</c>: the banned list through the management API.</summary>
internal static class CtlBanned
{
    public static Func<ManagementClient, Task<int>>? Command(
        string verb, List<string> rest, TextWriter output, TextWriter error, CancellationToken cancellation, out string? problem)
    {
        problem = null;
        if (verb == "list")
            return client => ListAsync(client, output, error, cancellation);
        if (verb is not ("add" or "del"))
            return null;
        var words = CtlArguments.TakePositional(rest, 2);
        if (words is null || !BanKindNames.TryParse(words[0], out _))
        {
            problem = $"'banned {verb}' needs <as> <who>; as is one of {BanKindNames.Known}";
            return null;
        }

        if (verb == "del")
        {
            var path = $"{BannedRoutes.Path}/{words[0]}/{CtlArguments.PathOf(words[1])}";
            return async client => CtlCommand.Report(
                (await client.SendAsync<BanJson>(HttpMethod.Delete, path, null, null, cancellation)).Answer.OrMessage($"{words[0]} {words[1]} is no longer banned"),
                output, error);
        }

        var reason = CtlArguments.TakeOption(rest, "--reason", ref problem);
        var untilText = CtlArguments.TakeOption(rest, "--until", ref problem);
        var forText = CtlArguments.TakeOption(rest, "--for", ref problem);
        DateTimeOffset? until = null;
        if (untilText is not null && forText is not null)
            problem = "give --until or --for, not both";
        else if (untilText is not null)
            until = DateTimeOffset.TryParse(untilText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : Problem(ref problem, $"--until: \"{untilText}\" is not a time like 2026-12-31T23:59:59Z");
        else if (forText is not null)
            until = Duration.TryParse(forText, CultureInfo.InvariantCulture, out var span) && span.Value > TimeSpan.Zero
                ? DateTimeOffset.UtcNow + span.Value
                : Problem(ref problem, $"--for: \"{forText}\" is not a duration like 30m, 12h or 7d");
        if (problem is not null)
            return null;

        var body = System.Text.Json.JsonSerializer.Serialize(new BanJson(words[0], words[1], "broker ctl", reason, null, until), SecurityApiJson.Written.BanJson);
        return async client =>
        {
            var (answer, ban) = await client.SendAsync(HttpMethod.Post, BannedRoutes.Path, body, SecurityApiJson.Written.BanJson, cancellation);
            return CtlCommand.Report(ban is null ? answer : answer.OrMessage($"{ban.As} {ban.Who} banned {Ends(ban)}"), output, error);
        };
    }

    private static async Task<int> ListAsync(ManagementClient client, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var (answer, page) = await client.SendAsync(HttpMethod.Get, $"{BannedRoutes.Path}?limit={ApiRequests.MaxLimit}", null, SecurityApiJson.Written.PageJsonBanJson, cancellation);
        if (page is null)
            return CtlCommand.Report(answer, output, error);
        var text = new StringBuilder();
        text.AppendLine("as            who                              by                until                 reason");
        foreach (var ban in page.Data)
            text.AppendLine($"{ban.As,-13} {ban.Who,-32} {ban.By,-17} {Until(ban),-21} {ban.Reason}");
        if (page.Meta.Count > page.Data.Count)
            text.AppendLine($"({page.Data.Count} of {page.Meta.Count} shown; the API pages through all: GET {BannedRoutes.Path}?page=2&limit={ApiRequests.MaxLimit})");
        await output.WriteAsync(text.ToString());
        return ExitCodes.Success;
    }

    private static string Until(BanJson ban) => ban.Until is { } until ? until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "never";

    private static string Ends(BanJson ban) => ban.Until is null ? "for good" : "until " + Until(ban);

    private static DateTimeOffset? Problem(ref string? problem, string text)
    {
        problem = text;
        return null;
    }
}
