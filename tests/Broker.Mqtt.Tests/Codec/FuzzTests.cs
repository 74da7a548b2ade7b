using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Tests.Codec.Support;
using Xunit.Abstractions;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>
/// Seeded random inputs (<see cref="FuzzCorpus"/>): valid packets of every type and level, mutated, and
/// random byte streams; each decoded once from one segment and once as it would arrive from a socket, in
/// chunks cut at random points, every chunk its own segment. The run is deterministic: a failure names the
/// seed and the case, and <c>MQTT_FUZZ_SEED=s MQTT_FUZZ_CASE=n dotnet test --filter FuzzTests</c> replays
/// that one case (MQTT_FUZZ_CASES=n runs more cases).
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int DefaultCaseCount = 100_000;
    private const int MaximumPacketSize = 4096;

    /// <summary>
    /// What one TryDecode call may allocate. Every decoded element costs a bounded number of heap bytes per
    /// wire byte it occupies, and one packet has at most <see cref="MaximumPacketSize"/> wire bytes. The
    /// densest is SUBSCRIBE with 1-character filters: 4 wire bytes each, a 24-byte string and a 16-byte list
    /// slot, which the list's doubling growth pays up to 4 times over (all the smaller arrays plus a final one
    /// up to twice too big): 88 bytes, 22 per wire byte. UNSUBSCRIBE filters (56 for 3), user properties
    /// (112 for 7), subscription identifiers (16 for 2) cost less; strings are at most 2 UTF-16 bytes per
    /// UTF-8 byte plus a header; binary properties, the will payload and the password are copied once; the
    /// topic and property caches keep at most 256 and 512 bytes. Hence 24 bytes per packet byte, plus 16 KiB
    /// for the fixed part: the packet and properties objects, and on failure the exception with its message
    /// and stack trace. Nothing may grow with what a header merely announces. The dense-packet tests measure
    /// the worst cases against the same bound.
    /// </summary>
    private const long AllocationBound = (24L * MaximumPacketSize) + (16 * 1024);

    private static readonly int CaseCount = EnvironmentInt("MQTT_FUZZ_CASES") ?? DefaultCaseCount;
    private static readonly int Seed = EnvironmentInt("MQTT_FUZZ_SEED") ?? 0x5EED;
    private static readonly int? OnlyCase = EnvironmentInt("MQTT_FUZZ_CASE");

    /// <summary>One run serves the three tests below, each asserting its own kind of failure.</summary>
    private static readonly Lazy<FuzzReport> Report = new(Run);

    [Fact]
    public void Fuzzed_input_yields_only_decode_results_never_loops_and_allocates_within_the_bound()
    {
        var report = Report.Value;
        output.WriteLine(report.Summary);

        Assert.True(report.ContractFailures.Count == 0, report.Describe(report.ContractFailures));
        if (OnlyCase is null)
        {
            Assert.True(report.Cases >= DefaultCaseCount, report.Summary);
            // The corpus reaches every outcome, not only the first check a mutation trips.
            Assert.True(report.Decoded > report.Cases / 10, report.Summary);
            Assert.True(report.Failed > report.Cases / 4, report.Summary);
            Assert.True(report.Incomplete > report.Cases / 20, report.Summary);
        }
    }

    [Fact]
    public void Fuzzed_input_decodes_the_same_whatever_the_segmentation()
    {
        var report = Report.Value;

        Assert.True(report.SegmentationFailures.Count == 0, report.Describe(report.SegmentationFailures));
    }

    [Fact]
    public void Fuzzed_input_that_decodes_re_encodes_to_a_packet_that_decodes_the_same()
    {
        var report = Report.Value;

        Assert.True(report.ReEncodeFailures.Count == 0, report.Describe(report.ReEncodeFailures));
    }

    public static TheoryData<string> DensePackets() => new(Dense.Keys);

    /// <summary>Packets of about <see cref="MaximumPacketSize"/> bytes packed with the smallest elements each can hold.</summary>
    private static readonly Dictionary<string, (PeerRole Sender, MqttProtocolVersion Version, byte[] Bytes)> Dense = new()
    {
        ["SUBSCRIBE of 1-character filters"] = (PeerRole.Client, MqttProtocolVersion.V311,
            PacketBytes.Packet(0x82, b => b.UInt16(1).Bytes(Repeat(1022, [0x00, 0x01, (byte)'a', 0x00])))),
        ["UNSUBSCRIBE of 1-character filters"] = (PeerRole.Client, MqttProtocolVersion.V311,
            PacketBytes.Packet(0xA2, b => b.UInt16(1).Bytes(Repeat(1363, [0x00, 0x01, (byte)'a'])))),
        ["PUBLISH of subscription identifiers"] = (PeerRole.Server, MqttProtocolVersion.V500,
            PacketBytes.Packet(0x30, b => b.String("t").Properties(p => p.Bytes(Repeat(2040, [0x0B, 0x01]))))),
        ["PUBLISH of 1-character user properties"] = (PeerRole.Client, MqttProtocolVersion.V500,
            PacketBytes.Packet(0x30, b => b.String("t").Properties(p => p.Bytes(Repeat(583, [0x26, 0x00, 0x01, (byte)'k', 0x00, 0x01, (byte)'v']))))),
        ["PUBLISH of empty user properties"] = (PeerRole.Client, MqttProtocolVersion.V500,
            PacketBytes.Packet(0x30, b => b.String("t").Properties(p => p.Bytes(Repeat(816, [0x26, 0x00, 0x00, 0x00, 0x00]))))),
        ["SUBACK of reason codes"] = (PeerRole.Server, MqttProtocolVersion.V500,
            PacketBytes.Packet(0x90, b => b.UInt16(1).Properties().Bytes(Repeat(4085, [0x01])))),
        ["PUBLISH with a long topic"] = (PeerRole.Client, MqttProtocolVersion.V311,
            PacketBytes.Packet(0x30, b => b.String(new string('t', 4090)))),
        ["PUBLISH with long correlation data"] = (PeerRole.Client, MqttProtocolVersion.V500,
            PacketBytes.Packet(0x30, b => b.String("t").Properties(p => p.BinaryProperty(PropertyId.CorrelationData, new byte[4085])))),
        ["CONNECT with long will payload and password"] = (PeerRole.Client, MqttProtocolVersion.Unknown,
            PacketBytes.Packet(0x10, b => b.ConnectHeader(MqttProtocolVersion.V311, 0xC6).String("c").String("w").Binary(new byte[2035]).String("u").Binary(new byte[2035]))),
    };

    [Theory]
    [MemberData(nameof(DensePackets))]
    public void Dense_packet_of_the_maximum_size_allocates_within_the_fuzz_bound(string name)
    {
        var (sender, version, bytes) = Dense[name];
        Assert.InRange(bytes.Length, MaximumPacketSize - 12, MaximumPacketSize);
        DecodeAssert.Decodes(Decoders.From(sender, version, MaximumPacketSize), new ReadOnlySequence<byte>(bytes)); // warm up
        var decoder = Decoders.From(sender, version, MaximumPacketSize);
        var buffer = new ReadOnlySequence<byte>(bytes);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = decoder.TryDecode(ref buffer, out _, out var error);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{name}: {bytes.Length} bytes, {allocated} bytes allocated ({(double)allocated / bytes.Length:F1} per byte)");
        Assert.True(status == DecodeStatus.Decoded, $"{status} {error}");
        Assert.True(allocated <= AllocationBound, $"{allocated} bytes allocated, bound {AllocationBound}");
    }

    private static FuzzReport Run()
    {
        var corpus = FuzzCorpus.Build(MaximumPacketSize);
        var report = new FuzzReport();
        var clock = Stopwatch.StartNew();
        var first = OnlyCase ?? 0;
        var last = OnlyCase ?? (CaseCount - 1);
        for (var index = first; index <= last; index++)
        {
            var fuzzCase = corpus.Generate(new Random(unchecked((Seed * 1_000_003) + index)));
            var context = $"seed {Seed}, case {index} (replay: MQTT_FUZZ_SEED={Seed} MQTT_FUZZ_CASE={index}); {fuzzCase}";
            RunCase(fuzzCase, report, context);
            report.Cases++;
        }

        report.Elapsed = clock.Elapsed;
        return report;
    }

    private static void RunCase(FuzzCase fuzzCase, FuzzReport report, string context)
    {
        List<string> whole;
        List<string> chunked;
        try
        {
            whole = new DecodeRun(fuzzCase, [], report, context, checkReEncoding: true).Outcomes;
            chunked = new DecodeRun(fuzzCase, fuzzCase.Arrivals, report, context, checkReEncoding: false).Outcomes;
        }
        catch (Exception e)
        {
            // An exception that escaped TryDecode, the one thing the decoder must never let happen.
            report.ContractFailures.Add($"{context}: {e}");
            return;
        }

        if (!whole.SequenceEqual(chunked))
        {
            report.SegmentationFailures.Add($"{context}:\n  one segment: {string.Join(" | ", whole)}\n  in chunks:   {string.Join(" | ", chunked)}");
        }

        report.Count(whole);
    }

    private static byte[] Repeat(int count, byte[] element) => Enumerable.Repeat(element, count).SelectMany(e => e).ToArray();

    private static int? EnvironmentInt(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// Feeds one input to a fresh decoder as it arrives (all at once when there are no arrival points),
    /// decoding until the decoder asks for more or fails, and checks the contract of every call on the way.
    /// <see cref="Outcomes"/> holds one line per decoded packet and a last line for how the input ended.
    /// </summary>
    private sealed class DecodeRun
    {
        private readonly FuzzCase _case;
        private readonly FuzzReport _report;
        private readonly string _context;
        private readonly bool _checkReEncoding;
        private readonly MqttDecoder _decoder;
        private int _consumed;

        public DecodeRun(FuzzCase fuzzCase, int[] arrivals, FuzzReport report, string context, bool checkReEncoding)
        {
            _case = fuzzCase;
            _report = report;
            _context = context;
            _checkReEncoding = checkReEncoding;
            _decoder = Decoders.From(fuzzCase.Sender, fuzzCase.Version, MaximumPacketSize);
            var length = fuzzCase.Input.Length;
            foreach (var available in arrivals.Where(a => a < length).Distinct().Append(length))
            {
                if (available >= _consumed && !DecodeAvailable(available, arrivals))
                {
                    return;
                }
            }

            Outcomes.Add($"Incomplete: {length - _consumed} bytes left");
        }

        public List<string> Outcomes { get; } = [];

        /// <returns>false once the decoder has failed: nothing more is read.</returns>
        private bool DecodeAvailable(int available, int[] arrivals)
        {
            var input = _case.Input;
            var cuts = arrivals.Where(c => c > _consumed && c < available).Select(c => c - _consumed).ToArray();
            var buffer = arrivals.Length == 0
                ? new ReadOnlySequence<byte>(input, _consumed, available - _consumed)
                : Segments.Split(input.AsSpan(_consumed, available - _consumed), cuts);
            for (var calls = 1; calls <= (input.Length / 2) + 2; calls++)
            {
                switch (DecodeOnce(ref buffer))
                {
                    case DecodeStatus.Incomplete:
                        return true;
                    case DecodeStatus.Failed:
                        return false;
                }
            }

            Fail("more Decoded results than the input can hold packets");
            return false;
        }

        private DecodeStatus DecodeOnce(ref ReadOnlySequence<byte> buffer)
        {
            var before = buffer;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var status = _decoder.TryDecode(ref buffer, out var packet, out var error);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

            _report.MaximumAllocated = Math.Max(_report.MaximumAllocated, allocated);
            if (allocated > AllocationBound)
            {
                Fail($"one TryDecode allocated {allocated} bytes, more than {AllocationBound} ({status} {error})");
            }

            return status switch
            {
                DecodeStatus.Decoded => Decoded(before, buffer, packet),
                DecodeStatus.Failed or DecodeStatus.Incomplete => NotDecoded(status, before, buffer, packet, error),
                _ => Fail($"status {status}"),
            };
        }

        private DecodeStatus Decoded(ReadOnlySequence<byte> before, ReadOnlySequence<byte> after, MqttPacket? packet)
        {
            var taken = before.Length - after.Length;
            if (packet is null || taken < 2 || !after.End.Equals(before.End))
            {
                return Fail($"Decoded took {taken} bytes and returned {packet?.ToString() ?? "no packet"}");
            }

            _consumed += (int)taken;
            Outcomes.Add(PacketDump.Describe(packet));
            if (_checkReEncoding)
            {
                CheckReEncoding(packet);
            }

            return DecodeStatus.Decoded;
        }

        private DecodeStatus NotDecoded(DecodeStatus status, ReadOnlySequence<byte> before, ReadOnlySequence<byte> after, MqttPacket? packet, MqttDecodeError error)
        {
            if (packet is not null || !after.Start.Equals(before.Start) || !after.End.Equals(before.End))
            {
                Fail($"{status} returned a packet or moved the buffer");
            }

            if (status == DecodeStatus.Failed)
            {
                if ((byte)error.ReasonCode < 0x80 || string.IsNullOrEmpty(error.Message))
                {
                    Fail($"Failed with {error}");
                }

                Outcomes.Add($"Failed: {error.ReasonCode} in {error.PacketType}");
            }

            return status;
        }

        /// <summary>A decoded packet is valid, so the encoder must write it and a fresh decoder read the same back.</summary>
        private void CheckReEncoding(MqttPacket packet)
        {
            if (_report.ReEncodeFailures.Count >= 20)
            {
                return;
            }

            var version = packet is ConnectPacket connect ? connect.ProtocolVersion : _decoder.ProtocolVersion;
            try
            {
                var bytes = Wire.Encode(packet, version);
                var fresh = Decoders.From(_case.Sender, packet is ConnectPacket ? MqttProtocolVersion.Unknown : version);
                var buffer = new ReadOnlySequence<byte>(bytes);
                var status = fresh.TryDecode(ref buffer, out var again, out var error);
                if (status != DecodeStatus.Decoded || !buffer.IsEmpty || PacketDump.Describe(packet) != PacketDump.Describe(again))
                {
                    _report.ReEncodeFailures.Add($"{_context}: {packet.Type} re-encoded at {version} as {Wire.Hex(bytes)} decodes as {status} {error} {again}");
                }
            }
            catch (Exception e)
            {
                _report.ReEncodeFailures.Add($"{_context}: re-encoding {packet} threw {e}");
            }
        }

        private DecodeStatus Fail(string problem)
        {
            _report.ContractFailures.Add($"{_context}: {problem}");
            Outcomes.Add($"Failed: {problem}");
            return DecodeStatus.Failed;
        }
    }

    private sealed class FuzzReport
    {
        public int Cases { get; set; }

        public int Decoded { get; private set; }

        public int Failed { get; private set; }

        public int Incomplete { get; private set; }

        public TimeSpan Elapsed { get; set; }

        public long MaximumAllocated { get; set; }

        public List<string> ContractFailures { get; } = [];

        public List<string> SegmentationFailures { get; } = [];

        public List<string> ReEncodeFailures { get; } = [];

        public string Summary =>
            $"seed {Seed}: {Cases} cases in {Elapsed.TotalSeconds:F1} s; {Decoded} packets decoded, {Failed} inputs failed, " +
            $"{Incomplete} ended incomplete; at most {MaximumAllocated} bytes allocated by one call (bound {AllocationBound})";

        /// <summary>Tallies a run's outcomes: the last line says how the input ended, the others are packets.</summary>
        public void Count(List<string> outcomes)
        {
            Decoded += outcomes.Count - 1;
            if (outcomes[^1].StartsWith("Failed", StringComparison.Ordinal))
            {
                Failed++;
            }
            else
            {
                Incomplete++;
            }
        }

        public string Describe(List<string> failures) =>
            $"{Summary}; {failures.Count} failures, the first ones:\n{string.Join("\n", failures.Take(5))}";
    }
}
