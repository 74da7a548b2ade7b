using System.Runtime.CompilerServices;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Transport.Channels;

/// <summary>
/// The outbound part of the channel, as EMQX's <c>emqx_channel:handle_out</c>: every packet the broker sends this
/// client (the session's, the channel's own replies, the connection's DISCONNECT) passes <see cref="HandleOut"/>
/// on its way to the encoder, which applies the rules that hold for the stream of packets as it goes out: CONNACK
/// first, nothing after DISCONNECT, outbound topic aliases, the client's Maximum Packet Size.
/// <para>
/// Threading: this part's state (the fields below) belongs to the connection's writer, the inbound part's to the
/// read loop. The connection has one writer at a time, each taking packets from the outbox under its lock, so that
/// one writer run happens before the next. The only inbound state read here is what CONNECT negotiated (protocol
/// level, the client's Topic Alias Maximum and Maximum Packet Size), read when the CONNACK passes, or an AUTH of
/// enhanced authentication before it: the read loop set it before it made that packet, or the <see cref="OpenSession"/>
/// whose session sends the CONNACK, and never changes it afterwards.
/// </para>
/// </summary>
public sealed partial class MqttChannel
{
    // Set by HandleOut alone, on the writer.
    private OutboundState _outState;
    private MqttProtocolVersion _outVersion;
    private uint _outMaximumPacketSize = uint.MaxValue;
    private OutboundTopicAliases? _outAliases;

    private enum OutboundState : byte
    {
        AwaitingConnAck,
        Connected,
        Ended,
    }

    /// <summary>The protocol level the writer encodes in: set when the CONNACK passes <see cref="HandleOut"/>, before which nothing else does.</summary>
    public MqttProtocolVersion OutgoingVersion => _outVersion;

    /// <summary>
    /// Decides what goes to the client for <paramref name="packet"/>, in the order the packets are written. Called by
    /// the connection's writer only (see the threading note above). Allocates only what aliasing allocated before:
    /// the aliased copy of a PUBLISH.
    /// </summary>
    public OutgoingResult HandleOut(MqttPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (_outState != OutboundState.Connected)
        {
            return HandleOutOfConnected(packet);
        }

        return packet switch
        {
            PublishPacket publish => HandlePublishOut(publish),
            ConnAckPacket => OutgoingResult.Dropped(OutgoingDrop.SecondConnAck),
            DisconnectPacket disconnect => HandleDisconnectOut(disconnect),
            // Acknowledgements, SUBACK, PINGRESP: only the size check, which costs nothing when the client set no maximum.
            _ => Fits(packet) ? OutgoingResult.Write(packet) : OutgoingResult.Dropped(OutgoingDrop.TooLarge),
        };
    }

    /// <summary>Before the CONNACK only the CONNACK and enhanced authentication's AUTH go; after a DISCONNECT or a refusal, nothing.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private OutgoingResult HandleOutOfConnected(MqttPacket packet)
    {
        if (_outState == OutboundState.Ended)
        {
            return OutgoingResult.Dropped(OutgoingDrop.AfterClose);
        }

        if (packet is AuthPacket)
        {
            // Enhanced authentication's AUTH comes before the CONNACK; it exists in 5.0 only, and the client's
            // maximum counts already [MQTT-3.1.2-24].
            _outVersion = MqttProtocolVersion.V500;
            _outMaximumPacketSize = ClientMaximumPacketSize;
            return Fits(packet) ? OutgoingResult.Write(packet) : OutgoingResult.Dropped(OutgoingDrop.TooLarge);
        }

        if (packet is not ConnAckPacket connAck)
        {
            return OutgoingResult.Dropped(OutgoingDrop.BeforeConnAck);
        }

        // The read loop decided the level before it made this CONNACK, or the OpenSession behind it. A CONNACK
        // refusing an unknown level was given the 3.1.1 layout, which every client can read.
        _outVersion = ProtocolVersion == MqttProtocolVersion.Unknown ? MqttProtocolVersion.V311 : ProtocolVersion;
        if ((byte)connAck.ReasonCode >= 0x80)
        {
            _outState = OutboundState.Ended;
            return OutgoingResult.Write(connAck);
        }

        _outState = OutboundState.Connected;
        if (_outVersion == MqttProtocolVersion.V500)
        {
            _outMaximumPacketSize = ClientMaximumPacketSize;
            if (ClientTopicAliasMaximum > 0)
            {
                _outAliases = new OutboundTopicAliases(ClientTopicAliasMaximum);
            }
        }

        // The client's maximum counts for the CONNACK too [MQTT-3.1.2-24]; the broker's never reaches it in practice.
        return Fits(connAck) ? OutgoingResult.Write(connAck) : OutgoingResult.Dropped(OutgoingDrop.TooLarge);
    }

    /// <summary>
    /// The alias the client knows, or a new one with the topic; but an alias never makes a PUBLISH too large for the
    /// client (a new one adds its property, a known one may cost more than a short topic): then it goes in full,
    /// and the table is left as it was. A PUBLISH too large even so is dropped [MQTT-3.1.2-25]; the session, which
    /// checks its messages before giving them a packet id, sends none such.
    /// </summary>
    private OutgoingResult HandlePublishOut(PublishPacket publish)
    {
        if (_outAliases is { } aliases && publish.Topic.Length != 0)
        {
            var known = aliases.Find(publish.Topic);
            var aliased = known != 0
                ? publish with { Topic = "", Properties = publish.Properties with { TopicAlias = known } }
                : publish with { Properties = publish.Properties with { TopicAlias = aliases.Next } };
            if (Fits(aliased))
            {
                if (known == 0)
                {
                    aliases.Assign(publish.Topic);
                }

                return OutgoingResult.Write(aliased);
            }
        }

        return Fits(publish) ? OutgoingResult.Write(publish) : OutgoingResult.Dropped(OutgoingDrop.TooLarge);
    }

    /// <summary>
    /// 3.x has no DISCONNECT from the server. A 5.0 one too large for the client goes without its Reason String and
    /// User Properties [MQTT-3.14.2-3, MQTT-3.14.2-4]. Nothing is written after it [MQTT-3.14.4-1].
    /// </summary>
    private OutgoingResult HandleDisconnectOut(DisconnectPacket disconnect)
    {
        if (_outVersion != MqttProtocolVersion.V500)
        {
            return OutgoingResult.Dropped(OutgoingDrop.NotInProtocol);
        }

        _outState = OutboundState.Ended;
        if (Fits(disconnect))
        {
            return OutgoingResult.Write(disconnect);
        }

        var bare = disconnect with { Properties = disconnect.Properties with { ReasonString = null, UserProperties = [] } };
        return Fits(bare) ? OutgoingResult.Write(bare) : OutgoingResult.Dropped(OutgoingDrop.TooLarge);
    }

    /// <summary>Within the client's Maximum Packet Size; the size is computed only when the client set one.</summary>
    private bool Fits(MqttPacket packet) =>
        _outMaximumPacketSize == uint.MaxValue || (uint)MqttEncoder.GetSize(packet, _outVersion) <= _outMaximumPacketSize;
}
