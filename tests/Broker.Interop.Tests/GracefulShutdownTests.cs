using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// Stopping the broker with SIGTERM: MQTT 5 clients are told why (DISCONNECT 0x8B, Server shutting down)
/// before the connection closes, and the process exits 0. Ours only: the test starts and signals its own
/// broker process (mosquitto 2.0 closes the sockets without a DISCONNECT).
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [InteropFact(Tools.MqttJs, OursOnly = true)]
    public async Task Sigterm_sends_disconnect_0x8B_to_connected_v5_clients_and_exits_0()
    {
        await using var broker = await BrokerProcess.StartOursAsync();
        using var clients = new Clients(output, broker.Endpoint);
        try
        {
            var client = clients.MqttJs("graceful.js", "--url", broker.Endpoint.TcpUrl, "--client-id", Names.ClientId("graceful"));
            await client.WaitForLineAsync(ClientEvent.Named("connected"), Deadline, "CONNACK");

            broker.Terminate();

            var end = await client.WaitForLineAsync(
                line => ClientEvent.NameOf(line) is "disconnect" or "closed", Deadline, "DISCONNECT or close");
            Assert.Equal("disconnect", ClientEvent.NameOf(end));
            Assert.Equal(0x8B, ClientEvent.Parse(end).GetProperty("reason_code").GetInt32());
            Assert.Equal(0, await broker.WaitForExitAsync(Deadline));
        }
        finally
        {
            output.WriteLine(broker.Output.Describe());
        }
    }
}
