using System.Text.RegularExpressions;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>Reads our broker's rate-limited drop warnings ("Messages dropped for client X (connected: ...): 12 delivery.dropped.queue_full, ...").</summary>
public static partial class BrokerDropWarnings
{
    /// <summary>The drops the broker's rate-limited warnings report for one client, summed over every reason.</summary>
    public static int DroppedFor(IEnumerable<string> log, string clientId) => log
        .Select(line => DropWarning().Match(line))
        .Where(m => m.Success && m.Groups["client"].Value == clientId)
        .SelectMany(m => DropCount().Matches(m.Groups["drops"].Value))
        .Sum(c => int.Parse(c.Groups[1].Value));

    [GeneratedRegex(@"Messages dropped for client (?<client>\S+) \(connected: \w+\): (?<drops>.*)$")]
    private static partial Regex DropWarning();

    [GeneratedRegex(@"(\d+) [a-z_.0-9]+")]
    private static partial Regex DropCount();
}
