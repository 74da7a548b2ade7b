using System.Buffers;
using System.Text;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Tests.Codec.Support;

/// <summary>One packet of the catalog: who sends it, and at which protocol level.</summary>
internal sealed record CatalogEntry(string Name, MqttProtocolVersion Version, PeerRole Sender, MqttPacket Packet)
{
    public override string ToString() => $"{Version} {Name}";
}

/// <summary>
/// Every packet type at every protocol level where it exists, with every field that level can carry set to
/// a value other than its default: on 5.0 every property the packet may hold, user properties repeated
/// (same name twice, order significant), non-ASCII and astral-plane strings. The 3.x entry of a name is the
/// 5.0 one without what 3.x cannot carry, so encoding the 5.0 packet at 3.x must give the 3.x entry.
/// </summary>
internal static class PacketCatalog
{
    public static readonly MqttProtocolVersion[] Versions = [MqttProtocolVersion.V310, MqttProtocolVersion.V311, MqttProtocolVersion.V500];

    // Declared before All, whose initializer reads it.
    public static IReadOnlyList<UserProperty> UserProperties { get; } =
    [
        new("region", "eu-west"),
        new("ключ", "значение 𪛔"),
        new("region", "eu-north"),
        new("", ""),
    ];

    public static IReadOnlyList<CatalogEntry> All { get; } = Versions.SelectMany(Build).ToArray();

    public static CatalogEntry Get(MqttProtocolVersion version, string name) =>
        All.Single(e => e.Version == version && e.Name == name);

    public static TheoryData<MqttProtocolVersion, string> Cases()
    {
        var data = new TheoryData<MqttProtocolVersion, string>();
        foreach (var entry in All)
        {
            data.Add(entry.Version, entry.Name);
        }

        return data;
    }

    /// <summary>The decoder that reads what the entry's sender sends, at the entry's level.</summary>
    public static MqttDecoder DecoderFor(CatalogEntry entry) =>
        entry.Packet is ConnectPacket
            ? Decoders.FromClient() // the level comes from the CONNECT itself
            : Decoders.From(entry.Sender, entry.Version);

    private static IEnumerable<CatalogEntry> Build(MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        CatalogEntry Client(string name, MqttPacket packet) => new(name, version, PeerRole.Client, packet);
        CatalogEntry Server(string name, MqttPacket packet) => new(name, version, PeerRole.Server, packet);
        MqttProperties Only5(MqttProperties properties) => v5 ? properties : MqttProperties.Empty;
        ReasonCode Code5(ReasonCode code) => v5 ? code : ReasonCode.Success;

        yield return Client("CONNECT with every field", new ConnectPacket
        {
            ProtocolVersion = version,
            CleanStart = true,
            KeepAlive = 0xBEEF,
            ClientId = "client-ü-𪛔",
            Will = new WillMessage
            {
                Topic = "clients/client-ü/status",
                Payload = Encoding.UTF8.GetBytes("gone 👋"),
                QoS = QualityOfService.ExactlyOnce,
                Retain = true,
                Properties = Only5(new MqttProperties
                {
                    WillDelayInterval = 30,
                    PayloadFormatIndicator = PayloadFormatIndicator.Utf8,
                    MessageExpiryInterval = 3600,
                    ContentType = "text/plain; charset=utf-8",
                    ResponseTopic = "replies/𪛔",
                    CorrelationData = new byte[] { 0x00, 0xFF, 0x10, 0x80 },
                    UserProperties = UserProperties,
                }),
            },
            UserName = "alice@example",
            Password = new byte[] { 0x00, 0x01, 0xFE, 0xFF, (byte)'p', (byte)'w' },
            Properties = Only5(new MqttProperties
            {
                SessionExpiryInterval = uint.MaxValue,
                ReceiveMaximum = 20,
                MaximumPacketSize = 1_048_576,
                TopicAliasMaximum = 10,
                RequestResponseInformation = true,
                RequestProblemInformation = false,
                UserProperties = UserProperties,
                AuthenticationMethod = "SCRAM-SHA-256",
                AuthenticationData = new byte[] { 0x6E, 0x2C, 0x2C, 0x6E, 0x3D },
            }),
        });

        yield return Client("CONNECT minimal", new ConnectPacket { ProtocolVersion = version, ClientId = "" });

        yield return Client("CONNECT will at QoS 1 and no user name", new ConnectPacket
        {
            ProtocolVersion = version,
            KeepAlive = 1,
            ClientId = "c",
            Will = new WillMessage { Topic = "w", Payload = ReadOnlyMemory<byte>.Empty, QoS = QualityOfService.AtLeastOnce },
            // 5.0 allows a password without a user name (3.1.2.9); 3.x does not. The cast matters: a null
            // byte[] converts to an empty ReadOnlyMemory, which is "a password of zero bytes", not "none".
            Password = v5 ? new byte[] { 1, 2, 3 } : (ReadOnlyMemory<byte>?)null,
        });

        var refusal = ReasonCode.NotAuthorized;
        yield return Server("CONNACK accepted", new ConnAckPacket
        {
            // 3.1 has no session present flag: its acknowledge flags byte is reserved.
            SessionPresent = version != MqttProtocolVersion.V310,
            ReasonCode = ReasonCode.Success,
            Properties = Only5(new MqttProperties
            {
                SessionExpiryInterval = 7200,
                ReceiveMaximum = 100,
                MaximumQoS = QualityOfService.AtLeastOnce,
                RetainAvailable = false,
                MaximumPacketSize = 268_435_460,
                AssignedClientIdentifier = "auto-1f3a",
                TopicAliasMaximum = 16,
                ReasonString = "welcome 𪛔",
                UserProperties = UserProperties,
                WildcardSubscriptionAvailable = true,
                SubscriptionIdentifierAvailable = false,
                SharedSubscriptionAvailable = true,
                ServerKeepAlive = 120,
                ResponseInformation = "responses/client-ü",
                ServerReference = "other.example:1883",
                AuthenticationMethod = "SCRAM-SHA-256",
                AuthenticationData = new byte[] { 0x76, 0x3D, 0x00 },
            }),
        });

        yield return Server("CONNACK refused", new ConnAckPacket
        {
            ReasonCode = refusal,
            Properties = Only5(new MqttProperties { ReasonString = "no", UserProperties = UserProperties }),
        });

        var publishProperties = new MqttProperties
        {
            PayloadFormatIndicator = PayloadFormatIndicator.Utf8,
            MessageExpiryInterval = 60,
            TopicAlias = 7,
            ResponseTopic = "reply/to/me",
            CorrelationData = new byte[] { 0xCA, 0xFE, 0x00, 0x01 },
            UserProperties = UserProperties,
            ContentType = "application/json",
        };
        yield return Client("PUBLISH QoS 0", new PublishPacket
        {
            Topic = "sensors/ü/temperature",
            Payload = Bytes("{\"t\":21.5}"),
            Properties = Only5(publishProperties),
        });
        yield return Client("PUBLISH QoS 1 retained", new PublishPacket
        {
            QoS = QualityOfService.AtLeastOnce,
            Retain = true,
            Topic = "a",
            PacketId = 1,
            Payload = Bytes([0x00, 0x01, 0x02, 0xFF]),
            Properties = Only5(publishProperties with { TopicAlias = null, PayloadFormatIndicator = PayloadFormatIndicator.Unspecified }),
        });
        yield return Client("PUBLISH QoS 2 duplicate", new PublishPacket
        {
            Dup = true,
            QoS = QualityOfService.ExactlyOnce,
            Topic = "/leading/slash//empty/levels/",
            PacketId = ushort.MaxValue,
            Payload = Bytes(new string('x', 300)),
            Properties = Only5(new MqttProperties { MessageExpiryInterval = 0 }),
        });
        yield return Client("PUBLISH empty payload", new PublishPacket { Topic = "t", Retain = true });

        yield return Server("PUBLISH to a subscriber", new PublishPacket
        {
            QoS = QualityOfService.AtLeastOnce,
            Topic = "sensors/ü/temperature",
            PacketId = 0x1234,
            Payload = Bytes("21.5"),
            // A server's PUBLISH carries one Subscription Identifier per matching subscription (3.3.4).
            Properties = Only5(publishProperties with { SubscriptionIdentifiers = [1, 127, 128, 16_384, 268_435_455] }),
        });

        foreach (var sender in new[] { PeerRole.Client, PeerRole.Server })
        {
            var suffix = sender == PeerRole.Client ? "" : " from the server";
            var ackProperties = Only5(new MqttProperties { ReasonString = "reason 𪛔", UserProperties = UserProperties });
            CatalogEntry Ack(string name, MqttPacket packet) => new(name + suffix, version, sender, packet);
            yield return Ack("PUBACK", new PubAckPacket { PacketId = 1, ReasonCode = Code5(ReasonCode.NoMatchingSubscribers), Properties = ackProperties });
            yield return Ack("PUBREC", new PubRecPacket { PacketId = 0x8001, ReasonCode = Code5(ReasonCode.PacketIdentifierInUse), Properties = ackProperties });
            yield return Ack("PUBREL", new PubRelPacket { PacketId = 0xFFFF, ReasonCode = Code5(ReasonCode.PacketIdentifierNotFound), Properties = ackProperties });
            yield return Ack("PUBCOMP", new PubCompPacket { PacketId = 0x00FF, ReasonCode = Code5(ReasonCode.PacketIdentifierNotFound), Properties = ackProperties });
        }

        if (v5)
        {
            // The short forms of 3.4.2.1: reason code without properties (remaining length 3), neither (2).
            yield return Client("PUBACK with a reason code only", new PubAckPacket { PacketId = 7, ReasonCode = ReasonCode.QuotaExceeded });
            yield return Client("PUBREC with success and no properties", new PubRecPacket { PacketId = 7 });
            yield return Client("PUBREL with success and properties", new PubRelPacket { PacketId = 7, Properties = new MqttProperties { ReasonString = "r" } });
            yield return Client("PUBLISH with a topic alias only", new PublishPacket
            {
                QoS = QualityOfService.AtLeastOnce,
                PacketId = 2,
                Topic = "",
                Payload = Bytes("aliased"),
                Properties = new MqttProperties { TopicAlias = 65_535 },
            });
        }

        yield return Client("SUBSCRIBE", new SubscribePacket
        {
            PacketId = 10,
            Subscriptions =
            [
                new("sensors/+/temperature", v5
                    ? new SubscriptionOptions(QualityOfService.AtLeastOnce, NoLocal: true, RetainAsPublished: true, RetainHandling.DoNotSend)
                    : new SubscriptionOptions(QualityOfService.AtLeastOnce)),
                new("alerts/#", v5
                    ? new SubscriptionOptions(QualityOfService.ExactlyOnce, RetainHandling: RetainHandling.SendOnNewSubscribe)
                    : new SubscriptionOptions(QualityOfService.ExactlyOnce)),
                new("ünïcødé/𪛔", new SubscriptionOptions(QualityOfService.AtMostOnce)),
                new("$share/group/jobs/+", v5
                    ? new SubscriptionOptions(QualityOfService.AtLeastOnce, RetainAsPublished: true)
                    : new SubscriptionOptions(QualityOfService.AtLeastOnce)),
                new("#", new SubscriptionOptions(QualityOfService.AtMostOnce)),
            ],
            Properties = Only5(new MqttProperties { SubscriptionIdentifiers = [268_435_455], UserProperties = UserProperties }),
        });

        yield return Server("SUBACK", new SubAckPacket
        {
            PacketId = 10,
            ReasonCodes = v5
                ?
                [
                    ReasonCode.GrantedQoS1, ReasonCode.GrantedQoS2, ReasonCode.GrantedQoS0, ReasonCode.UnspecifiedError,
                    ReasonCode.ImplementationSpecificError, ReasonCode.NotAuthorized, ReasonCode.TopicFilterInvalid,
                    ReasonCode.PacketIdentifierInUse, ReasonCode.QuotaExceeded, ReasonCode.SharedSubscriptionsNotSupported,
                    ReasonCode.SubscriptionIdentifiersNotSupported, ReasonCode.WildcardSubscriptionsNotSupported,
                ]
                : [ReasonCode.GrantedQoS1, ReasonCode.GrantedQoS2, ReasonCode.GrantedQoS0, ReasonCode.UnspecifiedError],
            Properties = Only5(new MqttProperties { ReasonString = "partly", UserProperties = UserProperties }),
        });

        yield return Client("UNSUBSCRIBE", new UnsubscribePacket
        {
            PacketId = 11,
            TopicFilters = ["sensors/+/temperature", "alerts/#", "$share/group/jobs/+", "ünïcødé/𪛔"],
            Properties = Only5(new MqttProperties { UserProperties = UserProperties }),
        });

        yield return Server("UNSUBACK", new UnsubAckPacket
        {
            PacketId = 11,
            ReasonCodes = v5
                ?
                [
                    ReasonCode.Success, ReasonCode.NoSubscriptionExisted, ReasonCode.UnspecifiedError, ReasonCode.ImplementationSpecificError,
                    ReasonCode.NotAuthorized, ReasonCode.TopicFilterInvalid, ReasonCode.PacketIdentifierInUse,
                ]
                : [],
            Properties = Only5(new MqttProperties { ReasonString = "done", UserProperties = UserProperties }),
        });

        yield return Client("PINGREQ", PingReqPacket.Instance);
        yield return Server("PINGRESP", PingRespPacket.Instance);

        yield return Client("DISCONNECT", v5
            ? new DisconnectPacket
            {
                ReasonCode = ReasonCode.DisconnectWithWillMessage,
                Properties = new MqttProperties { SessionExpiryInterval = 0, ReasonString = "bye", UserProperties = UserProperties },
            }
            : DisconnectPacket.Normal);

        if (!v5)
        {
            yield break;
        }

        yield return Client("DISCONNECT normal", DisconnectPacket.Normal);
        yield return Server("DISCONNECT from the server", new DisconnectPacket
        {
            ReasonCode = ReasonCode.UseAnotherServer,
            Properties = new MqttProperties { ServerReference = "other.example:1883", ReasonString = "moving", UserProperties = UserProperties },
        });

        var authProperties = new MqttProperties
        {
            AuthenticationMethod = "SCRAM-SHA-256",
            AuthenticationData = new byte[] { 0x72, 0x3D, 0x00, 0xFF },
            ReasonString = "step 2",
            UserProperties = UserProperties,
        };
        yield return Client("AUTH", new AuthPacket { ReasonCode = ReasonCode.ContinueAuthentication, Properties = authProperties });
        yield return Client("AUTH re-authenticate", new AuthPacket { ReasonCode = ReasonCode.ReAuthenticate, Properties = authProperties });
        yield return Server("AUTH from the server", new AuthPacket { ReasonCode = ReasonCode.Success, Properties = authProperties });
    }

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static ReadOnlySequence<byte> Bytes(byte[] bytes) => new(bytes);
}
