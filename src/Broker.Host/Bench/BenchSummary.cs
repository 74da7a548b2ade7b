using System.Text;
using System.Text.Json;

namespace Broker.Host.Bench;

/// <summary>The run's result, printed as one line of JSON on stdout for scripts to collect.</summary>
public sealed record BenchSummary
{
    public required string Scenario { get; init; }

    public int Version { get; init; }

    public int QoS { get; init; }

    public int Size { get; init; }

    public int Publishers { get; init; }

    public int Subscribers { get; init; }

    /// <summary>The measured window: from the first publish (or connect, for <c>conn</c>) to the end of publishing.</summary>
    public double DurationSeconds { get; init; }

    public long Sent { get; init; }

    /// <summary>PUBACKs or PUBCOMPs the publishers received (QoS 1 and 2).</summary>
    public long Acked { get; init; }

    public long Received { get; init; }

    /// <summary>
    /// Of <see cref="Received"/>, what arrived within the measured window: the rate counts only these, so a broker
    /// that falls behind and delivers its backlog during the drain is not credited for it.
    /// </summary>
    public long ReceivedInWindow { get; init; }

    public long Expected { get; init; }

    public long Lost { get; init; }

    public long Duplicates { get; init; }

    public long OutOfOrder { get; init; }

    public long P50 { get; init; }

    public long P90 { get; init; }

    public long P99 { get; init; }

    public long P999 { get; init; }

    public long Max { get; init; }

    public int Connections { get; init; }

    public int ConnectFailures { get; init; }

    public double ConnectionsPerSecond { get; init; }

    public double CpuSeconds { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];

    public double SentPerSecond => DurationSeconds > 0 ? Sent / DurationSeconds : 0;

    public double ReceivedPerSecond => DurationSeconds > 0 ? ReceivedInWindow / DurationSeconds : 0;

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("scenario", Scenario);
            json.WriteNumber("version", Version);
            json.WriteNumber("qos", QoS);
            json.WriteNumber("size", Size);
            json.WriteNumber("pubs", Publishers);
            json.WriteNumber("subs", Subscribers);
            json.WriteNumber("duration_s", Math.Round(DurationSeconds, 3));
            json.WriteNumber("sent", Sent);
            json.WriteNumber("acked", Acked);
            json.WriteNumber("received", Received);
            json.WriteNumber("received_in_window", ReceivedInWindow);
            json.WriteNumber("late", Received - ReceivedInWindow);
            json.WriteNumber("expected", Expected);
            json.WriteNumber("sent_per_s", Math.Round(SentPerSecond, 1));
            json.WriteNumber("received_per_s", Math.Round(ReceivedPerSecond, 1));
            json.WriteNumber("lost", Lost);
            json.WriteNumber("duplicates", Duplicates);
            json.WriteNumber("out_of_order", OutOfOrder);
            json.WriteStartObject("latency_us");
            json.WriteNumber("p50", P50);
            json.WriteNumber("p90", P90);
            json.WriteNumber("p99", P99);
            json.WriteNumber("p999", P999);
            json.WriteNumber("max", Max);
            json.WriteEndObject();
            json.WriteNumber("connections", Connections);
            json.WriteNumber("connect_failures", ConnectFailures);
            json.WriteNumber("conn_per_s", Math.Round(ConnectionsPerSecond, 1));
            json.WriteNumber("cpu_s", Math.Round(CpuSeconds, 3));
            json.WriteStartArray("errors");
            foreach (var error in Errors)
                json.WriteStringValue(error);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
