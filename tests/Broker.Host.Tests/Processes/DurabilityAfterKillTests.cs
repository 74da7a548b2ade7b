using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;

namespace Broker.Host.Tests.Processes;

/// <summary>
/// Issue 6's acceptance: the broker as a separate process, killed with SIGKILL while a persistent subscriber is
/// away, then started again on the same storage. What was acknowledged before the kill is delivered after it.
/// The queue limit is raised so that 10,000 messages for one offline subscriber all fit (1,000 by default).
/// </summary>
public sealed class DurabilityAfterKillTests
{
    private const int Count = 10_000;
    private static readonly string[] Settings = ["--mqtt.max_mqueue_len=20000"];

    [Fact]
    public Task QoS_1_messages_acknowledged_before_kill_9_all_reach_the_persistent_subscriber_after_the_restart_on_sqlite() =>
        AcknowledgedMessagesSurviveAsync(postgres: false, QualityOfService.AtLeastOnce);

    [PostgresFact]
    public Task QoS_1_messages_acknowledged_before_kill_9_all_reach_the_persistent_subscriber_after_the_restart_on_postgresql() =>
        AcknowledgedMessagesSurviveAsync(postgres: true, QualityOfService.AtLeastOnce);

    [Fact]
    public Task QoS_2_messages_acknowledged_before_kill_9_reach_the_application_once_each_after_the_restart_on_sqlite() =>
        AcknowledgedMessagesSurviveAsync(postgres: false, QualityOfService.ExactlyOnce);

    [PostgresFact]
    public Task QoS_2_messages_acknowledged_before_kill_9_reach_the_application_once_each_after_the_restart_on_postgresql() =>
        AcknowledgedMessagesSurviveAsync(postgres: true, QualityOfService.ExactlyOnce);

    [Fact]
    public Task Retained_messages_and_subscriptions_survive_kill_9_on_sqlite() => RetainedAndSubscriptionsSurviveAsync(postgres: false);

    [PostgresFact]
    public Task Retained_messages_and_subscriptions_survive_kill_9_on_postgresql() => RetainedAndSubscriptionsSurviveAsync(postgres: true);

    private static async Task AcknowledgedMessagesSurviveAsync(bool postgres, QualityOfService qos)
    {
        await using var broker = await StartAsync(postgres);
        await broker.SubscribeOfflineAsync("sub", "plant/+/line/#", qos);
        var publisher = await broker.ConnectAsync("pub");
        await publisher.PublishManyAsync("plant/b2/line/m1/sensor", Count, qos);

        await broker.KillAsync();
        await broker.RestartAsync();
        var (subscriber, connAck) = await broker.ConnectPersistentAsync("sub");
        var deliveries = await subscriber.CollectAsync(Count);

        Assert.True(connAck.SessionPresent);
        Assert.Empty(deliveries.Missing("m", Count));
        Assert.Empty(deliveries.Duplicates);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => DurableClients.Payload("m", i)), deliveries.Payloads);
        await subscriber.ExpectNothingAsync();
    }

    private static async Task RetainedAndSubscriptionsSurviveAsync(bool postgres)
    {
        await using var broker = await StartAsync(postgres);
        await broker.SubscribeOfflineAsync("sub", "alarms/#", QualityOfService.AtLeastOnce);
        var publisher = await broker.ConnectAsync("pub");
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAcknowledgedAsync($"config/line{i}", $"setpoint-{i}", retain: true);
        }

        await publisher.PublishAcknowledgedAsync("config/line3", "", retain: true); // deleted before the kill

        await broker.KillAsync();
        await broker.RestartAsync();

        var reader = await broker.ConnectAsync("reader");
        await reader.SubscribeAsync("config/#");
        var retained = new List<string>();
        for (var i = 0; i < 19; i++)
        {
            var publish = await reader.ReceivePublishAsync();
            Assert.True(publish.Retain);
            retained.Add(MqttTestClient.PayloadOf(publish));
        }

        await reader.ExpectNothingAsync();
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i != 3).Select(i => $"setpoint-{i}").Order(), retained.Order());

        // The subscription made before the kill still routes: a message published after the restart reaches the session.
        var (subscriber, connAck) = await broker.ConnectPersistentAsync("sub");
        Assert.True(connAck.SessionPresent);
        var after = await broker.ConnectAsync("pub-after");
        await after.PublishAcknowledgedAsync("alarms/line1", "overheat");
        Assert.Equal("overheat", MqttTestClient.PayloadOf(await subscriber.ReceivePublishAsync()));
    }

    private static Task<BrokerProcess> StartAsync(bool postgres) =>
        postgres ? BrokerProcess.StartPostgresAsync(Settings) : BrokerProcess.StartAsync(Settings);
}
