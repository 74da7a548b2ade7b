using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>
/// Everything the broker reads from configuration. Keys are snake_case as in EMQX
/// (<c>mqtt.max_packet_size</c>); defaults here are the ones hocon/broker.conf documents, and a
/// test keeps the two equal.
/// </summary>
public sealed class BrokerOptions
{
    [ConfigurationKeyName("node")]
    public NodeOptions Node { get; init; } = new();

    [ConfigurationKeyName("listeners")]
    public ListenersOptions Listeners { get; init; } = new();

    [ConfigurationKeyName("mqtt")]
    public MqttOptions Mqtt { get; init; } = new();

    [ConfigurationKeyName("persistence")]
    public PersistenceOptions Persistence { get; init; } = new();

    [ConfigurationKeyName("cluster")]
    public ClusterOptions Cluster { get; init; } = new();

    [ConfigurationKeyName("management")]
    public ManagementOptions Management { get; init; } = new();

    [ConfigurationKeyName("dashboard")]
    public DashboardOptions Dashboard { get; init; } = new();

    [ConfigurationKeyName("api_key")]
    public ApiKeyOptions ApiKey { get; init; } = new();

    [ConfigurationKeyName("prometheus")]
    public PrometheusOptions Prometheus { get; init; } = new();

    /// <summary>The authentication chain, in order; empty lets every client in (the broker warns at start).</summary>
    [ConfigurationKeyName("authentication")]
    public AuthenticatorOptions[] Authentication { get; set; } = [];

    [ConfigurationKeyName("authorization")]
    public AuthorizationOptions Authorization { get; init; } = new();

    [ConfigurationKeyName("banned")]
    public BannedOptions Banned { get; init; } = new();

    [ConfigurationKeyName("flapping_detect")]
    public FlappingDetectOptions FlappingDetect { get; init; } = new();

    [ConfigurationKeyName("overload_protection")]
    public OverloadProtectionOptions OverloadProtection { get; init; } = new();

    [ConfigurationKeyName("log")]
    public LogOptions Log { get; init; } = new();
}
