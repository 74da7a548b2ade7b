using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>sys_topics</c> section: what the node publishes under <c>$SYS/brokers/&lt;node&gt;/</c>, as EMQX does.</summary>
public sealed class SysTopicsOptions
{
    /// <summary>version, sysdescr, brokers, stats/* and metrics/* at this pace; 0 publishes none.</summary>
    [ConfigurationKeyName("sys_msg_interval")]
    public Duration SysMsgInterval { get; set; } = Duration.FromMinutes(1);

    /// <summary>uptime and datetime at this pace; 0 publishes none.</summary>
    [ConfigurationKeyName("sys_heartbeat_interval")]
    public Duration SysHeartbeatInterval { get; set; } = Duration.FromSeconds(30);

    [ConfigurationKeyName("sys_event_messages")]
    public SysEventMessagesOptions SysEventMessages { get; init; } = new();
}

/// <summary>Which client events are published to <c>$SYS/brokers/&lt;node&gt;/clients/&lt;clientid&gt;/&lt;event&gt;</c>.</summary>
public sealed class SysEventMessagesOptions
{
    [ConfigurationKeyName("client_connected")]
    public bool ClientConnected { get; set; } = true;

    [ConfigurationKeyName("client_disconnected")]
    public bool ClientDisconnected { get; set; } = true;

    [ConfigurationKeyName("client_subscribed")]
    public bool ClientSubscribed { get; set; }

    [ConfigurationKeyName("client_unsubscribed")]
    public bool ClientUnsubscribed { get; set; }

    public bool AnyEnabled() => ClientConnected || ClientDisconnected || ClientSubscribed || ClientUnsubscribed;
}
