using System.Buffers;
using BenchmarkDotNet.Attributes;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Benchmarks.Codec;

/// <summary>
/// Encoding PUBLISH into an output buffer, as the broker writes to a connection's PipeWriter. The writer
/// is created once and reset before each packet, so its own growth is not part of the figures.
/// </summary>
[MemoryDiagnoser]
public class PublishEncodeBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private PublishPacket _v311QoS0 = null!;
    private PublishPacket _v500QoS1 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _v311QoS0 = PublishSamples.V311QoS0();
        _v500QoS1 = PublishSamples.V500QoS1();
        PublishSamples.Verify(PublishSamples.Encode(_v311QoS0, MqttProtocolVersion.V311), _v311QoS0, MqttProtocolVersion.V311);
        PublishSamples.Verify(PublishSamples.Encode(_v500QoS1, MqttProtocolVersion.V500), _v500QoS1, MqttProtocolVersion.V500);
    }

    /// <summary>3.1.1 QoS 0, 64-byte payload.</summary>
    [Benchmark]
    public int V311QoS0()
    {
        _output.ResetWrittenCount();
        return MqttEncoder.Write(_output, _v311QoS0, MqttProtocolVersion.V311);
    }

    /// <summary>5.0 QoS 1 with seven properties, 64-byte payload.</summary>
    [Benchmark]
    public int V500QoS1()
    {
        _output.ResetWrittenCount();
        return MqttEncoder.Write(_output, _v500QoS1, MqttProtocolVersion.V500);
    }
}
