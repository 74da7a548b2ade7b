using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Properties;

namespace Broker.Host.Sys;

/// <summary>
/// Publishes what the broker itself says under <c>$SYS</c>: QoS 0, no publisher (so no client's No Local applies), through
/// the router as any message, so that subscribers on every node of the cluster get it and the retained ones are kept.
/// Who may subscribe to <c>$SYS/#</c> is the ACL's to say (EMQX's default acl.conf allows it to localhost only).
/// </summary>
internal sealed class SysMessages(IRouter router, TimeProvider time, SysTopics topics)
{
    private static readonly MqttProperties Json = new() { ContentType = "application/json" };

    public SysTopics Topics { get; } = topics;

    public TimeProvider Time { get; } = time;

    public void Publish(string topic, ReadOnlyMemory<byte> payload, bool retain = false, bool json = false) =>
        router.Publish(new ApplicationMessage
        {
            Id = MessageIds.Next(),
            Topic = topic,
            Payload = payload,
            QoS = QualityOfService.AtMostOnce,
            Retain = retain,
            Properties = json ? Json : MqttProperties.Empty,
            ReceivedAtMs = Time.GetUtcNow().ToUnixTimeMilliseconds(),
        });

    public void Publish(string topic, string payload, bool retain = false) =>
        Publish(topic, System.Text.Encoding.UTF8.GetBytes(payload), retain);
}
