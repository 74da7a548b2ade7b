using Broker.Mqtt;
using Broker.Mqtt.Codec;

namespace Broker.Mqtt.Tests.Codec.Support;

/// <summary>Decoders for either end of a connection. The name says whose bytes the decoder reads.</summary>
internal static class Decoders
{
    /// <summary>The broker's side: reads what a client sends. Unknown until a CONNECT sets the level.</summary>
    public static MqttDecoder FromClient(MqttProtocolVersion version = MqttProtocolVersion.Unknown, int maximumPacketSize = MqttDecoderOptions.ProtocolMaximumPacketSize) =>
        From(PeerRole.Client, version, maximumPacketSize);

    /// <summary>A client's side: reads what the server sends, at the level the client asked for.</summary>
    public static MqttDecoder FromServer(MqttProtocolVersion version, int maximumPacketSize = MqttDecoderOptions.ProtocolMaximumPacketSize) =>
        From(PeerRole.Server, version, maximumPacketSize);

    public static MqttDecoder From(PeerRole sender, MqttProtocolVersion version, int maximumPacketSize = MqttDecoderOptions.ProtocolMaximumPacketSize) =>
        new(new MqttDecoderOptions { Peer = sender, MaximumPacketSize = maximumPacketSize }) { ProtocolVersion = version };
}
