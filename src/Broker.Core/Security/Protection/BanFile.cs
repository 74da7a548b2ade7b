using System.Globalization;

namespace Broker.Core.Security.Protection;

/// <summary>
/// The banned list from a CSV file (EMQX's <c>banned.bootstrap_file</c>): a header line <c>as,who,by,reason,at,until</c>,
/// then one ban a line; <c>as</c> is clientid, username, peerhost, clientid_re, username_re or peerhost_net; <c>by</c>,
/// <c>reason</c>, <c>at</c> and <c>until</c> may be empty (at: now; until: never), times in ISO 8601. Fields hold no commas.
/// </summary>
public static class BanFile
{
    private const string Header = "as,who,by,reason,at,until";

    public static IReadOnlyList<Ban> Parse(string text, DateTimeOffset now, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        if (lines[0].Trim() != Header)
        {
            throw new FormatException($"{source}, line 1: expected the header \"{Header}\"");
        }

        var bans = new List<Ban>();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var at = $"{source}, line {(i + 1).ToString(CultureInfo.InvariantCulture)}";
            var fields = line.Split(',');
            if (fields.Length != 6 || fields[1].Length == 0)
            {
                throw new FormatException($"{at}: expected 6 fields ({Header}) and a subject in \"who\"");
            }

            if (!BanKindNames.TryParse(fields[0], out var kind))
            {
                throw new FormatException($"{at}: unknown \"as\" {fields[0]} (known: {BanKindNames.Known})");
            }

            bans.Add(new Ban(kind, fields[1], fields[2], fields[3], Time(fields[4], at) ?? now, Time(fields[5], at)));
        }

        return bans;
    }

    private static DateTimeOffset? Time(string field, string at) =>
        field.Length == 0 ? null
        : DateTimeOffset.TryParse(field, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : throw new FormatException($"{at}: \"{field}\" is not a time like 2026-12-31T23:59:59Z");
}
