using System.Buffers;
using BenchmarkDotNet.Attributes;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Benchmarks.Codec;

/// <summary>
/// Decoding PUBLISH as a connection's read loop does: one decoder per connection, reused for every
/// packet, reading from a buffer the pipe delivered. Each buffer is built once; the benchmark copies the
/// <see cref="ReadOnlySequence{T}"/> struct (no bytes) because TryDecode advances it.
/// </summary>
[MemoryDiagnoser]
public class PublishDecodeBenchmarks
{
    private readonly MqttDecoderOptions _options = new();
    private MqttDecoder _v311 = null!;
    private MqttDecoder _v500 = null!;
    private MqttDecoder _v500Changing = null!;
    private ReadOnlySequence<byte> _v311QoS0;
    private ReadOnlySequence<byte> _v311QoS0Batch;
    private ReadOnlySequence<byte> _v500QoS1;
    private ReadOnlySequence<byte> _v500QoS1Other;

    [GlobalSetup]
    public void Setup()
    {
        var v311 = PublishSamples.Encode(PublishSamples.V311QoS0(), MqttProtocolVersion.V311);
        var batch = PublishSamples.Encode(PublishSamples.V311QoS0(), MqttProtocolVersion.V311, PublishSamples.PacketsPerBatch);
        var v500 = PublishSamples.Encode(PublishSamples.V500QoS1(), MqttProtocolVersion.V500);
        var v500Other = PublishSamples.Encode(PublishSamples.V500QoS1(correlationSeed: 100), MqttProtocolVersion.V500);
        PublishSamples.Verify(v311, PublishSamples.V311QoS0(), MqttProtocolVersion.V311);
        PublishSamples.Verify(batch, PublishSamples.V311QoS0(), MqttProtocolVersion.V311);
        PublishSamples.Verify(v500, PublishSamples.V500QoS1(), MqttProtocolVersion.V500);
        PublishSamples.Verify(v500Other, PublishSamples.V500QoS1(correlationSeed: 100), MqttProtocolVersion.V500);

        _v311QoS0 = new ReadOnlySequence<byte>(v311);
        _v311QoS0Batch = new ReadOnlySequence<byte>(batch);
        _v500QoS1 = new ReadOnlySequence<byte>(v500);
        _v500QoS1Other = new ReadOnlySequence<byte>(v500Other);
        _v311 = PublishSamples.NewDecoder(_options, MqttProtocolVersion.V311);
        _v500 = PublishSamples.NewDecoder(_options, MqttProtocolVersion.V500);
        _v500Changing = PublishSamples.NewDecoder(_options, MqttProtocolVersion.V500);
    }

    /// <summary>The reference for the B/op column: the one object a decoded PUBLISH has to cost.</summary>
    [Benchmark]
    public PublishPacket PublishPacketObjectOnly() => new()
    {
        Topic = PublishSamples.Topic,
        Payload = _v311QoS0,
    };

    /// <summary>3.1.1 QoS 0, 64-byte payload, the connection's decoder has seen the topic before.</summary>
    [Benchmark]
    public MqttPacket? V311QoS0()
    {
        var buffer = _v311QoS0;
        _v311.TryDecode(ref buffer, out var packet, out _);
        return packet;
    }

    /// <summary>
    /// As <see cref="V311QoS0"/> but with a new decoder each time, so the topic cache misses: the cost of
    /// a connection's first message on a topic (decoder, cache, validated topic string and cache entry).
    /// </summary>
    [Benchmark]
    public MqttPacket? V311QoS0FreshDecoder()
    {
        var decoder = PublishSamples.NewDecoder(_options, MqttProtocolVersion.V311);
        var buffer = _v311QoS0;
        decoder.TryDecode(ref buffer, out var packet, out _);
        return packet;
    }

    /// <summary>Per-packet cost when one socket read delivers 100 QoS 0 PUBLISH packets back to back.</summary>
    [Benchmark(OperationsPerInvoke = PublishSamples.PacketsPerBatch)]
    public long V311QoS0Batch()
    {
        var buffer = _v311QoS0Batch;
        var payloadBytes = 0L;
        while (_v311.TryDecode(ref buffer, out var packet, out _) == DecodeStatus.Decoded)
        {
            payloadBytes += ((PublishPacket)packet!).Payload.Length;
        }

        return payloadBytes;
    }

    /// <summary>
    /// 5.0 QoS 1 with seven properties; the same property section every time, as a device repeats it,
    /// so the decoder hands back the properties object it decoded before.
    /// </summary>
    [Benchmark]
    public MqttPacket? V500QoS1()
    {
        var buffer = _v500QoS1;
        _v500.TryDecode(ref buffer, out var packet, out _);
        return packet;
    }

    /// <summary>
    /// As <see cref="V500QoS1"/> but the correlation data differs between consecutive messages, as in
    /// request/response traffic, so every property section is parsed. Two packets per invoke.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 2)]
    public MqttPacket? V500QoS1PropertiesChange()
    {
        var first = _v500QoS1;
        _v500Changing.TryDecode(ref first, out _, out _);
        var second = _v500QoS1Other;
        _v500Changing.TryDecode(ref second, out var packet, out _);
        return packet;
    }
}
