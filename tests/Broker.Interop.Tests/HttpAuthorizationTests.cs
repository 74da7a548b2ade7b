using System.Text.Json;
using Broker.Interop.Tests.Infrastructure;
using Broker.Tests;
using Microsoft.AspNetCore.Http;

namespace Broker.Interop.Tests;

/// <summary>
/// An HTTP authorization service on Kestrel inside the test decides what mosquitto's clients may publish and subscribe:
/// its allow and deny, a service that fails or is too slow passed over for the next source and then no_match, and a
/// flood of publishes, each checked by the service (no cache), that reaches the subscriber in the order sent.
/// </summary>
public sealed class HttpAuthorizationTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const int Flood = 300;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("broker-http-authz-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>plant/line1/... allowed, plant/broken/... a 500, plant/slow/... never answered, the rest denied.</summary>
    private static async Task Decide(HttpContext context)
    {
        var request = await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(context.Request.Body, cancellationToken: context.RequestAborted);
        var topic = request!["topic"];
        if (topic.StartsWith("plant/broken/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 500;
            return;
        }

        if (topic.StartsWith("plant/slow/", StringComparison.Ordinal))
        {
            // Never answers: the broker gives up at its request_timeout, which aborts the request here.
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }

        // Answers that take a little while now and then, so that a broker that did not wait would reorder them.
        if (request["action"] == "publish" && Random.Shared.Next(4) == 0)
            await Task.Delay(Random.Shared.Next(1, 4), context.RequestAborted);
        context.Response.ContentType = "application/json";
        var result = topic.StartsWith("plant/line1/", StringComparison.Ordinal) ? "allow" : "deny";
        await context.Response.WriteAsync($$"""{"result": "{{result}}"}""", context.RequestAborted);
    }

    private async Task<BrokerProcess> StartAsync(AuthService service)
    {
        var acl = Path.Combine(_dir.FullName, "acl.conf");
        await File.WriteAllTextAsync(acl, """{allow, all, all, ["plant/slow/#"]}.""" + "\n");
        var conf = Path.Combine(_dir.FullName, "broker.conf");
        await File.WriteAllTextAsync(conf, $$"""
            authorization {
              no_match = deny
              cache.enable = false
              sources = [
                { type = http, method = post, url = "{{service.Url("/mqtt/acl")}}", request_timeout = 1s,
                  body { username = "${username}", topic = "${topic}", action = "${action}", qos = "${qos}" } },
                { type = file, path = "{{acl}}" }
              ]
            }
            """);
        return await BrokerProcess.StartOursAsync("-c", conf);
    }

    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task The_service_allows_and_denies_and_a_failing_or_slow_one_leaves_it_to_the_next_source_then_no_match()
    {
        await using var service = new AuthService();
        await service.InitializeAsync();
        service.Reset(Decide);
        await using var broker = await StartAsync(service);
        using var clients = new Clients(output, broker.Endpoint);

        async Task<string> PublishAsync(string topic, string version = "mqttv5")
        {
            var pub = clients.MosquittoPub("-d", "-V", version, "-u", "press-7", "-q", "1", "-t", topic, "-m", "21.5");
            await pub.ExpectSuccessAsync(Deadline);
            return pub.Transcript;
        }

        Assert.Contains("received PUBACK (Mid: 1, RC:16)", await PublishAsync("plant/line1/temp"), StringComparison.Ordinal);
        Assert.Contains("received PUBACK (Mid: 1, RC:135)", await PublishAsync("plant/line2/temp"), StringComparison.Ordinal);
        // 500: ignored, the file has no rule, no_match denies.
        Assert.Contains("received PUBACK (Mid: 1, RC:135)", await PublishAsync("plant/broken/temp"), StringComparison.Ordinal);
        // No answer within request_timeout: ignored, the file allows.
        Assert.Contains("received PUBACK (Mid: 1, RC:16)", await PublishAsync("plant/slow/temp"), StringComparison.Ordinal);
        // 3.1.1 cannot say it: acknowledged as usual.
        Assert.Contains("received PUBACK (Mid: 1, RC:0)", await PublishAsync("plant/line2/temp", "mqttv311"), StringComparison.Ordinal);

        var sub = clients.MosquittoSub("-d", "-V", "mqttv5", "-u", "dashboard", "-q", "1",
            "-t", "plant/line1/#", "-t", "plant/line2/#", "-t", "plant/broken/#", "-t", "plant/slow/#", "-C", "1", "-W", "30");
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed (mid: 1): ", StringComparison.Ordinal), Deadline, "the dashboard's SUBACK");
        Assert.Contains("Subscribed (mid: 1): 1, 135, 135, 1", sub.Lines);
        sub.Kill();

        var asked = service.Received.Select(r => JsonSerializer.Deserialize<Dictionary<string, string>>(r.Body)!).ToList();
        Assert.Contains(asked, b => b["topic"] == "plant/line1/#" && b["action"] == "subscribe" && b["qos"] == "1" && b["username"] == "dashboard");
        Assert.Contains(asked, b => b["topic"] == "plant/line1/temp" && b["action"] == "publish" && b["username"] == "press-7");
    }

    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task A_flood_of_publishes_each_waiting_for_the_service_arrives_in_the_order_sent()
    {
        await using var service = new AuthService();
        await service.InitializeAsync();
        service.Reset(Decide);
        await using var broker = await StartAsync(service);
        using var clients = new Clients(output, broker.Endpoint);

        var sub = clients.MosquittoSub("-d", "-V", "mqttv5", "-q", "1", "-t", "plant/line1/flood", "-C", $"{Flood}", "-F", MosquittoSubLine.Format);
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed (mid: 1): ", StringComparison.Ordinal), Deadline, "the subscriber's SUBACK");
        var pub = clients.MosquittoPub("-d", "-V", "mqttv5", "-q", "1", "-t", "plant/line1/flood", "-l");
        await pub.WaitForLineAsync(l => l.Contains("received CONNACK", StringComparison.Ordinal), Deadline, "mosquitto_pub's CONNACK");
        for (var i = 0; i < Flood; i++)
            await pub.Input.WriteLineAsync($"reading {i}");
        pub.Input.Close();
        await pub.ExpectSuccessAsync(Deadline);
        await sub.ExpectSuccessAsync(Deadline);

        var received = sub.Lines.Where(MosquittoSubLine.IsMessage).Select(MosquittoSubLine.Parse).Select(m => m.Payload);
        Assert.Equal(Enumerable.Range(0, Flood).Select(i => $"reading {i}"), received);
        Assert.True(service.Received.Count >= Flood + 1, $"each publish asked the service: {service.Received.Count} requests");
    }
}
