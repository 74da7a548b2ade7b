using System.Buffers;

namespace Broker.Host.Bench;

/// <summary>
/// One subscriber's record of what it received: a <see cref="PublisherStream"/> per publisher index seen in
/// payload headers, and the latency of every message. Written by that subscriber's read loop only; the progress
/// line reads the counters without a lock (a slightly stale figure is fine there).
/// </summary>
public sealed class DeliveryTracker
{
    /// <summary>A larger index in a payload header is not from this bench.</summary>
    public const int MaxPublishers = 1 << 20;

    private PublisherStream?[] _streams = new PublisherStream?[16];
    private long _received;
    private long _delivered;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Every PUBLISH received, duplicates included.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Distinct messages received: duplicates and foreign payloads left out.</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>Payloads without a valid header (shorter than 20 bytes, or an index or sequence out of range).</summary>
    public long Foreign { get; private set; }

    public void Record(in ReadOnlySequence<byte> payload, long nowNs)
    {
        if (PayloadHeader.TryRead(payload, out var header))
        {
            Record(header, nowNs);
            return;
        }
        Volatile.Write(ref _received, _received + 1);
        Foreign++;
    }

    public void Record(in PayloadHeader header, long nowNs)
    {
        Volatile.Write(ref _received, _received + 1);
        if ((uint)header.Publisher >= MaxPublishers)
        {
            Foreign++;
            return;
        }
        var stream = Stream(header.Publisher);
        var before = stream.Unique;
        if (!stream.Record(header.Sequence))
        {
            Foreign++;
            return;
        }
        if (stream.Unique != before)
            Volatile.Write(ref _delivered, _delivered + 1);
        Latency.Record((nowNs - header.TimestampNs) / 1000);
    }

    /// <summary>The publishers this subscriber heard from, by index.</summary>
    public IEnumerable<(int Publisher, PublisherStream Stream)> Streams()
    {
        for (var i = 0; i < _streams.Length; i++)
        {
            if (_streams[i] is { } stream)
                yield return (i, stream);
        }
    }

    public PublisherStream? StreamOf(int publisher) =>
        publisher >= 0 && publisher < _streams.Length ? _streams[publisher] : null;

    private PublisherStream Stream(int publisher)
    {
        if (publisher >= _streams.Length)
            Array.Resize(ref _streams, Math.Max(publisher + 1, _streams.Length * 2));
        return _streams[publisher] ??= new PublisherStream();
    }
}
