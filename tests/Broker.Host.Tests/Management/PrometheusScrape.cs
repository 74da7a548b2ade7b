using System.Globalization;
using System.Net;

namespace Broker.Host.Tests.Management;

/// <summary>
/// One scrape of <c>/api/v5/prometheus/stats</c>, its samples by series as written (<c>emqx_messages_sent{qos="1"}</c>).
/// Reads the plain lines the exposition has (no timestamps, no escaped label values): enough to see values move; that
/// the whole document is valid is the interop test's, with a real parser.
/// </summary>
internal sealed class PrometheusScrape(IReadOnlyDictionary<string, double> samples, string text)
{
    public const string Path = "/api/v5/prometheus/stats";

    public string Text { get; } = text;

    public double this[string series] =>
        samples.TryGetValue(series, out var value) ? value : throw new Xunit.Sdk.XunitException($"No sample {series} in:\n{Text}");

    public bool Has(string series) => samples.ContainsKey(series);

    public static async Task<PrometheusScrape> TakeAsync(ManagedNode node)
    {
        using var response = await node.Http.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            samples[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return new PrometheusScrape(samples, text);
    }
}
