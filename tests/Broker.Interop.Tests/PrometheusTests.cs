using System.Net.Http.Headers;
using System.Text.Json;
using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// The broker's <c>/api/v5/prometheus/stats</c>, read by the Prometheus project's own parser (Debian's
/// python3-prometheus-client) after Eclipse Mosquitto's clients used the broker: the document parses, every family has
/// the type its name promises, and the values are what the clients did.
/// </summary>
public sealed class PrometheusTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, Tools.PrometheusClient, OursOnly = true, OwnBroker = true)]
    public async Task The_scrape_parses_and_counts_what_mosquitto_clients_did()
    {
        await using var broker = await BrokerProcess.StartOursAsync();
        using var clients = new Clients(output, broker.Endpoint);
        var sub = clients.MosquittoSub("-d", "-V", "mqttv5", "-q", "1", "-t", "plant/#", "-C", "3", "-i", "prom-sub");
        await sub.WaitForLineAsync(MosquittoSubLine.IsSuback, Deadline, "mosquitto_sub's SUBACK");
        for (var i = 0; i < 3; i++)
            await clients.MosquittoPub("-V", "mqttv5", "-q", "1", "-t", $"plant/line{i}/temperature", "-m", "21.5", "-i", "prom-pub").ExpectSuccessAsync(Deadline);
        await sub.ExpectSuccessAsync(Deadline);

        using var http = new HttpClient { BaseAddress = new Uri($"http://{broker.Management}"), Timeout = Deadline };
        // The publisher's PUBACK may leave before its PUBLISH is counted: read again until the count is there, bounded.
        var text = await ScrapeUntilAsync(http, parsed => parsed.Samples.GetValueOrDefault("emqx_messages_received_total{qos=1}") == 3);

        Assert.Equal("counter", text.Families["emqx_messages_received"]);
        Assert.Equal("counter", text.Families["emqx_bytes_sent"]);
        Assert.Equal("gauge", text.Families["emqx_connections_count"]);
        Assert.Equal("gauge", text.Families["dotnet_threadpool_queue_length"]);
        Assert.Equal(3, text.Samples["emqx_messages_sent_total{qos=1}"]);
        Assert.Equal(4, text.Samples["emqx_authentication_success_total"]);
        // Every client has gone: mosquitto_sub's session with its subscription ended at its DISCONNECT.
        Assert.Equal(0, text.Samples["emqx_connections_count"]);
        Assert.Equal(0, text.Samples["emqx_subscriptions_count"]);
        Assert.Equal(1, text.Samples["emqx_cluster_nodes_running"]);
        Assert.True(text.Samples["emqx_bytes_received_total"] > 3 * "plant/line0/temperature".Length);

        // Prometheus asks for OpenMetrics first; the answer is the text format still, where EMQX's counter names keep their type.
        var asked = await ScrapeAsync(http, "application/openmetrics-text; version=1.0.0");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", asked.ContentType);
        Assert.Equal("counter", (await ParseAsync(asked.Document)).Families["emqx_messages_sent"]);
    }

    private async Task<Parsed> ScrapeUntilAsync(HttpClient http, Func<Parsed, bool> done)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var parsed = await ParseAsync((await ScrapeAsync(http, accept: null)).Document);
            if (done(parsed) || DateTime.UtcNow > deadline)
                return parsed;
            await Task.Delay(100);
        }
    }

    private static async Task<(string Document, string? ContentType)> ScrapeAsync(HttpClient http, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v5/prometheus/stats");
        if (accept is not null)
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from /api/v5/prometheus/stats");
        return (await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>tests/interop-py/parse_prometheus.py on the document: it exits 1, saying why, when the parser refuses it.</summary>
    private async Task<Parsed> ParseAsync(string document)
    {
        Tools.Require(Tools.PrometheusClient);
        using var parser = CapturedProcess.Start("parse_prometheus.py", Tools.Python,
            ["-u", Path.Combine(RepoPaths.InteropPy, "parse_prometheus.py")], output,
            environment: new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
        await parser.Input.WriteAsync(document);
        parser.Input.Close();
        var exit = await parser.WaitForExitAsync(Deadline);
        Assert.True(exit == 0, $"the parser refused the scrape:\n{parser.Describe()}\n{document}");
        using var json = JsonDocument.Parse(parser.Lines.Single());
        return new Parsed(
            json.RootElement.GetProperty("families").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            json.RootElement.GetProperty("samples").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()));
    }

    private sealed record Parsed(IReadOnlyDictionary<string, string> Families, IReadOnlyDictionary<string, double> Samples);
}
