using System.Net;
using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// Garbage on some connections must not hurt the others: while 20 connections send random bytes and mutated
/// packets, a paho publisher's 500 QoS 1 messages all reach a paho subscriber and the broker stays up. Ours
/// only: the test starts its own broker process so that nothing else shares it.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const int Messages = 500;

    [InteropFact(Tools.Paho, OwnBroker = true)]
    public async Task Hostile_connections_do_not_disturb_a_well_behaved_qos1_stream_nor_stop_the_broker()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("INTEROP_HOSTILE_SEED"), out var given)
            ? given
            : Random.Shared.Next();
        output.WriteLine($"hostile traffic seed {seed} (replay with INTEROP_HOSTILE_SEED={seed})");

        await using var broker = await BrokerProcess.StartTargetAsync();
        using var clients = new Clients(output, broker.Endpoint);
        try
        {
            var hostile = HostileTraffic.RunAsync(new IPEndPoint(IPAddress.Loopback, broker.Endpoint.Port), seed,
                parallel: 20, duration: TimeSpan.FromSeconds(5), maxConnections: 5000);
            var stream = clients.Paho("numbered_stream.py", "--version", "5", "--client-id", Names.ClientId("calm"),
                "--topic", Names.Topic("calm"), "--qos", "1", "--count", $"{Messages}", "--timeout", "60");

            await stream.ExpectSuccessAsync(TimeSpan.FromSeconds(90));
            var report = await hostile;
            output.WriteLine($"hostile: {report}");

            // QoS 1 allows duplicates; none may be missing.
            var received = stream.Lines.Where(ClientEvent.Named("message")).Select(ClientEvent.Payload)
                .Select(int.Parse).Distinct().Order();
            Assert.Equal(Enumerable.Range(0, Messages), received);
            Assert.False(broker.HasExited, $"the broker exited with {(broker.HasExited ? broker.ExitCode : 0)}");
            Assert.True(report.Connections >= 20, $"only {report.Connections} hostile connections were made");

            // Still serving new clients after the storm.
            await clients.Paho("publish.py", "--topic", Names.Topic("after"), "--message", "still here")
                .ExpectSuccessAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            output.WriteLine(broker.Output.Describe());
        }
    }
}
