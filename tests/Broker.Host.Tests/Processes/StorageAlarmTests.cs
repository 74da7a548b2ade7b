using System.Text.Json;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.Processes;

/// <summary>
/// Issue 17's storage_unreachable alarm, end to end: the storage of a running broker (a process of its own) broken
/// from a connection of the test's own raises it on <c>$SYS/brokers/&lt;node&gt;/alarms/activate</c>, and restored,
/// clears it on <c>.../deactivate</c>, as the probe of each <c>sysmon.check_interval</c> finds.
/// </summary>
public sealed class StorageAlarmTests
{
    [Fact]
    public async Task Storage_lost_raises_the_storage_alarm_and_storage_back_clears_it()
    {
        await using var broker = await BrokerProcess.StartAsync("--sysmon.check_interval=1s");
        var fault = StorageFault.TablesRenamed(broker);
        var operatorClient = await broker.ConnectAsync("operator");
        await operatorClient.SubscribeAsync("$SYS/brokers/+/alarms/+", QualityOfService.AtMostOnce);

        await fault.BreakAsync();
        var raised = await NextAlarmAsync(operatorClient);
        Assert.EndsWith("/alarms/activate", raised.Topic, StringComparison.Ordinal);
        Assert.Equal("storage_unreachable", raised.Name);

        await fault.RestoreAsync();
        var cleared = await NextAlarmAsync(operatorClient);
        Assert.EndsWith("/alarms/deactivate", cleared.Topic, StringComparison.Ordinal);
        Assert.Equal("storage_unreachable", cleared.Name);
    }

    // Other alarms (CPU, memory on a loaded machine) may come and go meanwhile: the storage's are the ones looked at.
    private static async Task<(string Topic, string Name)> NextAlarmAsync(MqttTestClient client)
    {
        for (var i = 0; i < 20; i++)
        {
            // A probe every second, each bounded by the monitor's own limit: well within this on a loaded machine.
            var message = await client.ReceiveAsync<PublishPacket>(TimeSpan.FromSeconds(30));
            using var alarm = JsonDocument.Parse(MqttTestClient.PayloadOf(message));
            var name = alarm.RootElement.GetProperty("name").GetString()!;
            if (name == "storage_unreachable")
            {
                return (message.Topic, name);
            }
        }

        throw new InvalidOperationException("20 alarm messages, none about the storage");
    }
}
