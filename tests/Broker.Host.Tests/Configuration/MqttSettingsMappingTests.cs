using Broker.Core.Messaging;
using Broker.Host.Configuration;
using Broker.Host.Options;
using Broker.Mqtt;

namespace Broker.Host.Tests.Configuration;

public class MqttSettingsMappingTests
{
    /// <summary>Every option set away from its default, so that a field left unmapped keeps the settings' default and shows.</summary>
    private static MqttOptions AllChanged() => new()
    {
        MaxPacketSize = ByteSize.FromKilobytes(256),
        MaxClientIdLen = 64,
        MaxTopicLevels = 16,
        MaxQosAllowed = 1,
        MaxTopicAlias = 10,
        RetainAvailable = false,
        WildcardSubscription = false,
        SharedSubscription = false,
        SharedSubscriptionStrategy = SharedSubscriptionStrategyName.HashClientid,
        MaxInflight = 8,
        ReceiveMaximum = 7,
        MaxMqueueLen = 50,
        MqueueStoreQos0 = false,
        MaxAwaitingRel = 9,
        AwaitRelTimeout = Duration.FromSeconds(60),
        RetryInterval = Duration.FromSeconds(5),
        SessionExpiryInterval = Duration.FromMinutes(10),
        KeepaliveMultiplier = 2,
        ServerKeepalive = 30,
        IdleTimeout = Duration.FromSeconds(3),
        SlowSubscriberTimeout = Duration.FromSeconds(7),
        IgnoreLoopDeliver = true,
        StrictMode = true,
    };

    [Fact]
    public void Every_option_maps_to_its_setting()
    {
        var settings = AllChanged().ToSettings();

        Assert.Equal(256 * 1024, settings.MaxPacketSize);
        Assert.Equal(64, settings.MaxClientIdLength);
        Assert.Equal(16, settings.MaxTopicLevels);
        Assert.Equal(QualityOfService.AtLeastOnce, settings.MaximumQoS);
        Assert.Equal(10, settings.TopicAliasMaximum);
        Assert.False(settings.RetainAvailable);
        Assert.False(settings.WildcardSubscriptionAvailable);
        Assert.False(settings.SharedSubscriptionAvailable);
        Assert.Equal(SharedSubscriptionStrategy.HashClientId, settings.SharedSubscriptionStrategy);
        Assert.Equal(8, settings.MaxInflight);
        Assert.Equal(7, settings.ReceiveMaximum);
        Assert.Equal(50, settings.MaxQueueLength);
        Assert.False(settings.QueueQoS0);
        Assert.Equal(9, settings.MaxAwaitingRel);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.AwaitRelTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.RetryInterval);
        Assert.Equal(600u, settings.MaxSessionExpirySeconds);
        Assert.Equal(2, settings.KeepAliveMultiplier);
        Assert.Equal(30, settings.ServerKeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), settings.SlowSubscriberTimeout);
        Assert.True(settings.IgnoreLoopDeliver);
        Assert.True(settings.StrictMode);
    }

    [Fact]
    public void No_setting_is_left_at_its_default_when_every_option_changed()
    {
        var settings = AllChanged().ToSettings();
        var unmapped = typeof(MqttSettings).GetProperties()
            .Where(p => p.CanWrite && Equals(p.GetValue(settings), p.GetValue(MqttSettings.Default)))
            .Select(p => p.Name);
        Assert.Empty(unmapped);
    }

    [Fact]
    public void The_option_defaults_are_the_settings_defaults() =>
        Assert.Equal(MqttSettings.Default, new MqttOptions().ToSettings());

    [Theory]
    [InlineData("random", SharedSubscriptionStrategy.Random)]
    [InlineData("round_robin", SharedSubscriptionStrategy.RoundRobin)]
    [InlineData("sticky", SharedSubscriptionStrategy.Sticky)]
    [InlineData("hash_clientid", SharedSubscriptionStrategy.HashClientId)]
    public void Shared_subscription_strategy_is_read_by_its_emqx_name(string configured, SharedSubscriptionStrategy expected)
    {
        using var files = new ConfigFiles();
        var result = files.Load("", null, $"--mqtt.shared_subscription_strategy={configured}");
        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.Options.Mqtt.ToSettings().SharedSubscriptionStrategy);
    }

    [Fact]
    public void An_unknown_shared_subscription_strategy_is_an_error_listing_the_names()
    {
        using var files = new ConfigFiles();
        var error = files.SingleError(files.Load("", null, "--mqtt.shared_subscription_strategy=fastest"));
        Assert.Contains("mqtt.shared_subscription_strategy", error, StringComparison.Ordinal);
        Assert.Contains("random, round_robin, sticky, hash_clientid", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_strategy_out_of_the_enum_is_a_validation_error() =>
        Assert.Equal(
            "mqtt.shared_subscription_strategy: must be one of random, round_robin, sticky, hash_clientid, got 9",
            Assert.Single(BrokerOptionsValidator.Validate(new BrokerOptions { Mqtt = { SharedSubscriptionStrategy = (SharedSubscriptionStrategyName)9 } })).ToString());
}
