namespace Broker.Mqtt.Properties;

/// <summary>Where a property may appear: one bit per packet type, plus the CONNECT payload's will properties.</summary>
[Flags]
public enum PropertyContext
{
    None = 0,
    Connect = 1 << PacketType.Connect,
    ConnAck = 1 << PacketType.ConnAck,
    Publish = 1 << PacketType.Publish,
    PubAck = 1 << PacketType.PubAck,
    PubRec = 1 << PacketType.PubRec,
    PubRel = 1 << PacketType.PubRel,
    PubComp = 1 << PacketType.PubComp,
    Subscribe = 1 << PacketType.Subscribe,
    SubAck = 1 << PacketType.SubAck,
    Unsubscribe = 1 << PacketType.Unsubscribe,
    UnsubAck = 1 << PacketType.UnsubAck,
    Disconnect = 1 << PacketType.Disconnect,
    Auth = 1 << PacketType.Auth,
    Will = 1 << 16,
}
