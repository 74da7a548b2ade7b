using System.Buffers;
using System.Text.Unicode;
using Broker.Core.Messaging;
using Broker.Core.Security.Authorization;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Transport.Channels;

public sealed partial class MqttChannel
{
    private InboundTopicAliases? _aliases;

    /// <summary>
    /// The topic a received PUBLISH names, its alias resolved as far as the aliases set so far tell; "" when they do not.
    /// For a trace, which sees the packet before <see cref="HandleIn"/>: read on the read loop's thread only.
    /// </summary>
    public string InboundTopic(PublishPacket publish)
    {
        ArgumentNullException.ThrowIfNull(publish);
        return publish.Topic.Length == 0 && publish.Properties.TopicAlias is { } alias && _aliases is { } aliases && aliases.TryResolve(alias, out var topic)
            ? topic
            : publish.Topic;
    }

    /// <summary>
    /// Resolves the topic alias, checks the broker's limits, and detaches the message from the packet:
    /// the payload is copied here, once, because the packet's is a slice of the receive buffer.
    /// The decoder already refused wildcards in the topic name [MQTT-3.3.2-2], an empty topic without an
    /// alias, an alias of 0 [MQTT-3.3.2-8] and Subscription Identifiers from a client [MQTT-3.3.4-6].
    /// </summary>
    private ChannelResult HandlePublish(PublishPacket publish, long nowMs)
    {
        var topic = publish.Topic;
        var properties = publish.Properties;
        if (properties.TopicAlias is { } alias)
        {
            if (ResolveAlias(alias, ref topic) is { } aliasError)
            {
                return aliasError;
            }

            // Aliases belong to this connection [MQTT-3.3.2-7]: subscribers never see ours.
            properties = properties with { TopicAlias = null };
        }

        if (CheckPublishLimits(publish, topic) is { } limitError)
        {
            return limitError;
        }

        if (Authorize(AclAction.Publish, topic, publish.QoS, publish.Retain) is not { } decision)
        {
            // The payload stays a slice of the receive buffer, which the connection keeps while it waits.
            return Suspend(new SuspendedPublish(CheckOf(AclAction.Publish, topic, publish.QoS, publish.Retain), publish, properties, nowMs));
        }

        return Publish(publish, topic, properties, nowMs, decision == AclDecision.Deny);
    }

    /// <summary>The PUBLISH once authorized: to the session, a denied one flagged so.</summary>
    /// <param name="properties">Without the topic alias.</param>
    private ChannelResult Publish(PublishPacket publish, string topic, MqttProperties properties, long nowMs, bool denied)
    {
        if (denied && DisconnectOnDeny)
        {
            return DeniedDisconnect($"PUBLISH to {topic}");
        }

        // A denied one still goes to the session, which acknowledges it in order and counts it; its payload is never read.
        var payload = denied ? ReadOnlyMemory<byte>.Empty : Copy(publish.Payload);
        if (_settings.StrictMode && properties.PayloadFormatIndicator == PayloadFormatIndicator.Utf8 && !Utf8.IsValid(payload.Span))
        {
            return Violation(ReasonCode.PayloadFormatInvalid, "the payload is marked UTF-8 but is not (3.3.2.3.2)");
        }

        var message = new ApplicationMessage
        {
            Id = MessageIds.Next(),
            Topic = topic,
            Payload = payload,
            QoS = publish.QoS,
            Retain = publish.Retain,
            Properties = properties,
            PublisherId = ClientId,
            ReceivedAtMs = nowMs,
        };
        return ChannelResult.Forward(new ClientPublish(_connection, message, publish.PacketId, denied));
    }

    /// <summary>
    /// A topic and an alias set the mapping, an empty topic uses it (3.3.2.3.4). Every alias from 1 to the
    /// maximum granted is accepted [MQTT-3.3.2-12]; one above it [MQTT-3.2.2-17] is 0x94, an empty topic
    /// with an alias never set is a protocol error.
    /// </summary>
    private ChannelResult? ResolveAlias(ushort alias, ref string topic)
    {
        _aliases ??= new InboundTopicAliases(_settings.TopicAliasMaximum);
        if (!_aliases.IsValid(alias))
        {
            return Violation(ReasonCode.TopicAliasInvalid, $"topic alias {alias} is outside 1..{_aliases.Maximum} [MQTT-3.2.2-17, MQTT-3.3.2-8]");
        }

        if (topic.Length != 0)
        {
            _aliases.Set(alias, topic);
            return null;
        }

        return _aliases.TryResolve(alias, out topic)
            ? null
            : Violation(ReasonCode.ProtocolError, $"an empty topic name with topic alias {alias}, which was never set (3.3.2.3.4)");
    }

    private ChannelResult? CheckPublishLimits(PublishPacket publish, string topic)
    {
        if (TopicLevels.Count(topic) > _settings.MaxTopicLevels)
        {
            return Violation(ReasonCode.TopicNameInvalid, $"the topic has more than {_settings.MaxTopicLevels} levels");
        }

        if (publish.QoS > _settings.MaximumQoS)
        {
            // 3.2.2.3.4, after [MQTT-3.2.2-11]: DISCONNECT 0x9B.
            return Violation(ReasonCode.QoSNotSupported, $"PUBLISH at QoS {(int)publish.QoS} above the maximum QoS {(int)_settings.MaximumQoS} [MQTT-3.2.2-11]");
        }

        if (publish.Retain && !_settings.RetainAvailable)
        {
            // 3.2.2.3.5, after [MQTT-3.2.2-14]: DISCONNECT 0x9A.
            return Violation(ReasonCode.RetainNotSupported, "a retained PUBLISH while retain is unavailable [MQTT-3.2.2-14]");
        }

        return null;
    }

    private static ReadOnlyMemory<byte> Copy(in ReadOnlySequence<byte> payload) =>
        payload.IsEmpty ? ReadOnlyMemory<byte>.Empty : payload.ToArray();
}
