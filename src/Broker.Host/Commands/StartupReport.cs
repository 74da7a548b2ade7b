using Broker.Host.Configuration;
using Broker.Host.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Commands;

/// <summary>
/// Logs, once at start, what the broker was configured to do, so that the log alone answers
/// "which ports, which limits" without reading the configuration.
/// </summary>
internal sealed partial class StartupReport(BrokerConfigurationResult configuration, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = configuration.Options;
        if (configuration.ConfigFile is { } file)
            ConfigurationFile(BrokerConfiguration.DisplayName(file));
        else
            NoConfigurationFile(BrokerConfiguration.DefaultConfigPath);
        Node(options.Node.Name, options.Node.DataDir);
        foreach (var (name, listener) in options.Listeners.All())
        {
            if (!listener.Enabled)
                ListenerDisabled(name);
            else
                Listener(name, listener.Bind, listener.Port, listener switch
                {
                    WsListenerOptions ws => ws.Path,
                    WssListenerOptions wss => wss.Path,
                    _ => "",
                }, listener.MaxConnections);
        }
        var mqtt = options.Mqtt;
        Limits(mqtt.MaxPacketSize, mqtt.MaxClientIdLen, mqtt.MaxTopicLevels, mqtt.MaxQosAllowed, mqtt.MaxTopicAlias,
            mqtt.MaxInflight, mqtt.ReceiveMaximum, mqtt.MaxMqueueLen, mqtt.MaxAwaitingRel);
        Sessions(mqtt.SessionExpiryInterval, mqtt.RetryInterval, mqtt.AwaitRelTimeout, mqtt.KeepaliveMultiplier,
            mqtt.ServerKeepalive, mqtt.IdleTimeout);
        Features(Flag(mqtt.RetainAvailable), Flag(mqtt.WildcardSubscription), Flag(mqtt.SharedSubscription),
            OptionValues.SnakeCase(mqtt.SharedSubscriptionStrategy.ToString()),
            Flag(mqtt.MqueueStoreQos0), Flag(mqtt.IgnoreLoopDeliver), Flag(mqtt.StrictMode));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // As written in the configuration, not .NET's "True".
    private static string Flag(bool value) => value ? "true" : "false";

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration file {File}")]
    private partial void ConfigurationFile(string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No configuration file at {Path}; using built-in defaults")]
    private partial void NoConfigurationFile(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Name}, data_dir {DataDir}")]
    private partial void Node(string name, string dataDir);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listener {Name}: {Bind}:{Port}{Path}, max_connections {MaxConnections}")]
    private partial void Listener(string name, string bind, int port, string path, int maxConnections);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listener {Name}: disabled")]
    private partial void ListenerDisabled(string name);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "MQTT limits: max_packet_size {MaxPacketSize}, max_clientid_len {MaxClientIdLen}, max_topic_levels {MaxTopicLevels}, " +
        "max_qos_allowed {MaxQosAllowed}, max_topic_alias {MaxTopicAlias}, max_inflight {MaxInflight}, " +
        "receive_maximum {ReceiveMaximum}, max_mqueue_len {MaxMqueueLen}, max_awaiting_rel {MaxAwaitingRel}")]
    private partial void Limits(ByteSize maxPacketSize, int maxClientIdLen, int maxTopicLevels, int maxQosAllowed,
        int maxTopicAlias, int maxInflight, int receiveMaximum, int maxMqueueLen, int maxAwaitingRel);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "MQTT sessions: session_expiry_interval {SessionExpiryInterval}, retry_interval {RetryInterval}, " +
        "await_rel_timeout {AwaitRelTimeout}, keepalive_multiplier {KeepaliveMultiplier}, " +
        "server_keepalive {ServerKeepalive}, idle_timeout {IdleTimeout}")]
    private partial void Sessions(Duration sessionExpiryInterval, Duration retryInterval, Duration awaitRelTimeout,
        double keepaliveMultiplier, int serverKeepalive, Duration idleTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message =
        "MQTT features: retain_available {RetainAvailable}, wildcard_subscription {WildcardSubscription}, " +
        "shared_subscription {SharedSubscription}, shared_subscription_strategy {SharedSubscriptionStrategy}, " +
        "mqueue_store_qos0 {MqueueStoreQos0}, " +
        "ignore_loop_deliver {IgnoreLoopDeliver}, strict_mode {StrictMode}")]
    private partial void Features(string retainAvailable, string wildcardSubscription, string sharedSubscription,
        string sharedSubscriptionStrategy,
        string mqueueStoreQos0, string ignoreLoopDeliver, string strictMode);
}
