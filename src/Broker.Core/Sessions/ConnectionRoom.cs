using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>
/// What a connection takes before its outgoing buffer reaches its high-water mark, in packets and in PUBLISH payload
/// bytes (<see cref="IClientConnection.Room"/>): plain data the session actor gives its <see cref="SessionState"/>
/// with each input. The state counts its own sends against it, so that a turn stops where the connection would have
/// said it is not writable, as a live look at the connection did when the state held it.
/// </summary>
public readonly record struct ConnectionRoom(int Packets, long Bytes)
{
    /// <summary>A connection that takes everything (or whose limits are not known).</summary>
    public static readonly ConnectionRoom Unlimited = new(int.MaxValue, long.MaxValue);

    /// <summary>A connection that is not writable.</summary>
    public static readonly ConnectionRoom None = new(0, 0);

    public bool IsWritable => Packets > 0 && Bytes > 0;

    /// <summary>The room left once <paramref name="packet"/> is queued: the connection counts a PUBLISH's payload as its bytes.</summary>
    public ConnectionRoom After(MqttPacket packet) =>
        new(Packets == int.MaxValue ? Packets : Packets - 1, Bytes == long.MaxValue || packet is not PublishPacket publish ? Bytes : Bytes - publish.Payload.Length);
}
