using Broker.Host.Options;
using Broker.Mqtt.Packets;
using Broker.Transport.Connections;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Sys;

/// <summary>
/// EMQX's <c>sys_event_messages</c>: each client's connect, disconnect and (when enabled) subscribe and unsubscribe,
/// published as JSON to <c>$SYS/brokers/&lt;node&gt;/clients/&lt;clientid&gt;/&lt;event&gt;</c> on the connection's thread,
/// as EMQX's hook runs in the channel's process: routing a QoS 0 message tells the subscribers' sessions and waits for
/// nothing. Made only when some event is enabled (<see cref="Create"/>).
/// </summary>
internal sealed partial class SysClientEvents : IClientEvents
{
    private readonly SysMessages _messages;
    private readonly SysEventMessagesOptions _enabled;
    private readonly ILogger _logger;

    private SysClientEvents(SysMessages messages, SysEventMessagesOptions enabled, ILogger logger)
    {
        _messages = messages;
        _enabled = enabled;
        _logger = logger;
    }

    /// <summary>Null when every event is off: the connections then report nothing.</summary>
    public static SysClientEvents? Create(SysMessages messages, SysEventMessagesOptions enabled, ILogger logger) =>
        enabled.AnyEnabled() ? new SysClientEvents(messages, enabled, logger) : null;

    public bool ReportsSubscriptions => _enabled.ClientSubscribed || _enabled.ClientUnsubscribed;

    public void Connected(ConnectedClient client)
    {
        if (_enabled.ClientConnected)
        {
            Publish(client, "connected", SysPayloads.Connected(client, NowMs()));
        }
    }

    public void Disconnected(ConnectedClient client, string reason, long disconnectedAtMs)
    {
        if (_enabled.ClientDisconnected)
        {
            Publish(client, "disconnected", SysPayloads.Disconnected(client, reason, disconnectedAtMs));
        }
    }

    public void Subscribed(ConnectedClient client, TopicSubscription subscription)
    {
        if (_enabled.ClientSubscribed)
        {
            Publish(client, "subscribed", SysPayloads.Subscribed(client, subscription, NowMs()));
        }
    }

    public void Unsubscribed(ConnectedClient client, string filter)
    {
        if (_enabled.ClientUnsubscribed)
        {
            Publish(client, "unsubscribed", SysPayloads.Unsubscribed(client, filter, NowMs()));
        }
    }

    private long NowMs() => _messages.Time.GetUtcNow().ToUnixTimeMilliseconds();

    // A client's connection must not fail for its report: a failure is logged, the connection goes on.
    private void Publish(ConnectedClient client, string clientEvent, byte[] payload)
    {
        try
        {
            _messages.Publish(_messages.Topics.Client(client.ClientId, clientEvent), payload, json: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogPublishFailed(_logger, clientEvent, client.ClientId, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The $SYS {Event} event of client {ClientId} could not be published")]
    private static partial void LogPublishFailed(ILogger logger, string @event, string clientId, Exception cause);
}
