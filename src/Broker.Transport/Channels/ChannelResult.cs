using Broker.Mqtt.Packets;

namespace Broker.Transport.Channels;

/// <summary>
/// What the connection does after the channel has handled one input, in this order: write
/// <see cref="Reply"/>, forward <see cref="Command"/> (<c>OpenSession</c> to the session registry,
/// any other message of <c>SessionProtocol</c> to the session), then close when <see cref="Close"/> is set.
/// A struct, so that the hot path (PUBLISH, acknowledgements) allocates nothing for it.
/// </summary>
public readonly record struct ChannelResult(MqttPacket? Reply, object? Command, ChannelClose? Close)
{
    /// <summary>Nothing to do: the input was ignored (the channel is closed).</summary>
    public static ChannelResult None => default;

    public static ChannelResult Send(MqttPacket reply) => new(reply, null, null);

    public static ChannelResult Forward(object command) => new(null, command, null);
}
