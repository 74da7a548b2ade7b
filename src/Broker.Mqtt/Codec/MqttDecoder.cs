using System.Buffers;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Codec;

/// <summary>
/// Decodes the packets of one connection from the bytes a pipe delivers. Resumable: a call either
/// takes exactly one whole packet off the front of the buffer, or says it needs more, or says why the
/// bytes break the protocol. One instance per connection, used by one reader at a time: it remembers
/// the protocol level that CONNECT chose and caches the connection's recent topics.
/// <para>
/// A decoded PUBLISH's payload is a slice of the caller's buffer, valid until the caller advances the
/// pipe past it.
/// </para>
/// </summary>
public sealed class MqttDecoder(MqttDecoderOptions options)
{
    private TopicNameCache? _topics;
    private byte[]? _lastPublishPropertyBlock;
    private MqttProperties _lastPublishProperties = MqttProperties.Empty;

    public MqttDecoder()
        : this(new MqttDecoderOptions())
    {
    }

    public MqttDecoderOptions Options { get; } = options;

    /// <summary>
    /// Unknown until the peer's CONNECT is read (on the server side) or the client sets the level it asked
    /// for. Set as soon as CONNECT's protocol level is read, so that a CONNECT that fails later still tells
    /// the channel which CONNACK format to answer with.
    /// </summary>
    public MqttProtocolVersion ProtocolVersion { get; set; }

    public DecodeStatus TryDecode(ref ReadOnlySequence<byte> buffer, out MqttPacket? packet, out MqttDecodeError error)
    {
        packet = null;
        error = default;
        var type = PacketType.Reserved;
        try
        {
            if (!FixedHeader.TryRead(buffer, out var header))
            {
                return DecodeStatus.Incomplete;
            }

            type = header.Type;
            CheckHeader(header);
            if (buffer.Length < header.TotalLength)
            {
                return DecodeStatus.Incomplete;
            }

            var body = buffer.Slice(header.HeaderLength, header.RemainingLength);
            packet = ReadBody(header, body);
            buffer = buffer.Slice(body.End);
            return DecodeStatus.Decoded;
        }
        catch (MqttProtocolException e)
        {
            error = new MqttDecodeError(e.ReasonCode, type, e.Message);
            return DecodeStatus.Failed;
        }
    }

    internal bool IsV5 => ProtocolVersion == MqttProtocolVersion.V500;

    internal TopicNameCache Topics => _topics ??= new TopicNameCache();

    /// <summary>
    /// A device sends the same property section (content type, user properties) with every message;
    /// reusing the immutable properties decoded from an identical section avoids allocating them again.
    /// </summary>
    internal MqttProperties ReadPublishProperties(ref SequenceReader<byte> reader)
    {
        var block = PropertyCodec.ReadBlock(ref reader);
        if (block.IsEmpty)
        {
            return MqttProperties.Empty;
        }

        if (_lastPublishPropertyBlock is { } last && block.IsSingleSegment && block.FirstSpan.SequenceEqual(last))
        {
            return _lastPublishProperties;
        }

        var properties = PropertyCodec.Parse(block, PropertyContext.Publish);
        // A miss costs a copy into the array kept from last time when the length is the same (request/
        // response traffic changes only its fixed-size correlation data), so a miss does not allocate twice.
        if (block.Length <= 512)
        {
            if (_lastPublishPropertyBlock?.Length != block.Length)
            {
                _lastPublishPropertyBlock = new byte[block.Length];
            }

            block.CopyTo(_lastPublishPropertyBlock);
            _lastPublishProperties = properties;
        }

        return properties;
    }

    private void CheckHeader(in FixedHeader header)
    {
        var type = header.Type;
        if (type == PacketType.Reserved)
        {
            Throw.Malformed("packet type 0 is reserved");
        }

        if (ProtocolVersion == MqttProtocolVersion.Unknown && type != PacketType.Connect)
        {
            // A client knows the level it asked for and sets it before reading the server's CONNACK.
            Throw.ProtocolError(Options.Peer == PeerRole.Client
                ? "the first packet on a connection must be CONNECT [MQTT-3.1.0-1]"
                : "the protocol level is not set: the client sets it to the level of the CONNECT it sent");
        }
        else if (type == PacketType.Auth && !IsV5)
        {
            Throw.Malformed("packet type 15 is reserved before MQTT 5.0");
        }

        if (!MaySend(Options.Peer, type))
        {
            Throw.ProtocolError($"a {(Options.Peer == PeerRole.Client ? "client" : "server")} may not send {type.ToString().ToUpperInvariant()}");
        }

        var expectedFlags = type switch
        {
            PacketType.Publish => header.Flags,
            PacketType.PubRel or PacketType.Subscribe or PacketType.Unsubscribe => 0b0010,
            _ => 0,
        };
        if (header.Flags != expectedFlags)
        {
            Throw.Malformed($"the fixed header flags of {type.ToString().ToUpperInvariant()} must be 0x{expectedFlags:X}, got 0x{header.Flags:X} [MQTT-2.2.2-2]");
        }

        if (header.TotalLength > Options.MaximumPacketSize)
        {
            Throw.Error(ReasonCode.PacketTooLarge, $"the packet is {header.TotalLength} bytes; the maximum is {Options.MaximumPacketSize}");
        }
    }

    private bool MaySend(PeerRole peer, PacketType type) => peer == PeerRole.Client
        ? type is PacketType.Connect or PacketType.Publish or PacketType.PubAck or PacketType.PubRec or PacketType.PubRel
            or PacketType.PubComp or PacketType.Subscribe or PacketType.Unsubscribe or PacketType.PingReq
            or PacketType.Disconnect or PacketType.Auth
        : type is PacketType.ConnAck or PacketType.Publish or PacketType.PubAck or PacketType.PubRec or PacketType.PubRel
            or PacketType.PubComp or PacketType.SubAck or PacketType.UnsubAck or PacketType.PingResp or PacketType.Auth
        // A 3.x server never sends DISCONNECT: it just closes the connection.
            || (type == PacketType.Disconnect && IsV5);

    private MqttPacket ReadBody(in FixedHeader header, in ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        return header.Type switch
        {
            PacketType.Connect => ConnectCodec.Read(ref reader, this),
            PacketType.ConnAck => ConnAckCodec.Read(ref reader, this),
            PacketType.Publish => PublishCodec.Read(ref reader, header.Flags, this),
            PacketType.PubAck => PublishAcknowledgementCodec.Read(ref reader, PacketType.PubAck, this),
            PacketType.PubRec => PublishAcknowledgementCodec.Read(ref reader, PacketType.PubRec, this),
            PacketType.PubRel => PublishAcknowledgementCodec.Read(ref reader, PacketType.PubRel, this),
            PacketType.PubComp => PublishAcknowledgementCodec.Read(ref reader, PacketType.PubComp, this),
            PacketType.Subscribe => SubscribeCodec.Read(ref reader, this),
            PacketType.SubAck => SubAckCodec.Read(ref reader, this),
            PacketType.Unsubscribe => UnsubscribeCodec.Read(ref reader, this),
            PacketType.UnsubAck => UnsubAckCodec.Read(ref reader, this),
            PacketType.PingReq => PingCodec.Read(ref reader, PingReqPacket.Instance),
            PacketType.PingResp => PingCodec.Read(ref reader, PingRespPacket.Instance),
            PacketType.Disconnect => DisconnectCodec.Read(ref reader, this),
            _ => AuthCodec.Read(ref reader),
        };
    }
}
