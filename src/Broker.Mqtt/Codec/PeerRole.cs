namespace Broker.Mqtt.Codec;

/// <summary>
/// Who sends the bytes a decoder reads. A broker decodes what clients send; the benchmark client
/// decodes what servers send. Each side rejects the packets only the other side may send.
/// </summary>
public enum PeerRole
{
    Client,
    Server,
}
