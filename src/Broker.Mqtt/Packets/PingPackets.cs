namespace Broker.Mqtt.Packets;

/// <summary>PINGREQ (3.12): no content, so one shared instance serves every connection.</summary>
public sealed record PingReqPacket : MqttPacket
{
    public static readonly PingReqPacket Instance = new();

    private PingReqPacket()
    {
    }

    public override PacketType Type => PacketType.PingReq;
}

/// <summary>PINGRESP (3.13).</summary>
public sealed record PingRespPacket : MqttPacket
{
    public static readonly PingRespPacket Instance = new();

    private PingRespPacket()
    {
    }

    public override PacketType Type => PacketType.PingResp;
}
