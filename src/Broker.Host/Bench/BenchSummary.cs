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

    /// <summary>
    /// What the drain after the window lasted: publishers sent nothing new, subscribers went on reading and
    /// acknowledging (at most --drain).
    /// </summary>
    public double DrainSeconds { get; init; }

    /// <summary>PUBLISH a publisher could have unacknowledged: --inflight, or the broker's Receive Maximum if lower (the lowest over the publishers); 0 at QoS 0.</summary>
    public int Inflight { get; init; }

    public long Sent { get; init; }

    /// <summary>Messages the broker acknowledged to the publishers: PUBACK (QoS 1) or PUBREC (QoS 2) with a success reason, drain included.</summary>
    public long Acked { get; init; }

    /// <summary>Of <see cref="Acked"/>, those acknowledged within the measured window.</summary>
    public long AckedInWindow { get; init; }

    /// <summary>PUBCOMPs the publishers received (QoS 2).</summary>
    public long Completed { get; init; }

    /// <summary>Every PUBLISH the subscribers received, duplicates included.</summary>
    public long Received { get; init; }

    /// <summary>Distinct messages the subscribers received (per subscriber): <see cref="Received"/> without duplicates and foreign payloads.</summary>
    public long Delivered { get; init; }

    /// <summary>Of <see cref="Delivered"/>, those that arrived within the measured window: the delivery rate counts only these.</summary>
    public long DeliveredInWindow { get; init; }

    /// <summary>Acknowledged messages times the subscribers whose filter matches them (<see cref="DeliveryTotals"/>).</summary>
    public long AckedDeliveries { get; init; }

    /// <summary>Of <see cref="AckedDeliveries"/>, those the subscriber never received, drain included: acknowledged, then lost.</summary>
    public long AckedLost { get; init; }

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

    /// <summary>Distinct deliveries per second over the publishing window.</summary>
    public double DeliveredPerSecond => DurationSeconds > 0 ? DeliveredInWindow / DurationSeconds : 0;

    /// <summary>Acknowledgements per second over the publishing window.</summary>
    public double AckedPerSecond => DurationSeconds > 0 ? AckedInWindow / DurationSeconds : 0;

    /// <summary>Percentage of the acknowledged deliveries that never arrived; 0 when nothing was acknowledged.</summary>
    public double AckedLostPercent => AckedDeliveries > 0 ? 100.0 * AckedLost / AckedDeliveries : 0;

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
            json.WriteNumber("inflight", Inflight);
            json.WriteNumber("duration_s", Math.Round(DurationSeconds, 3));
            json.WriteNumber("drain_s", Math.Round(DrainSeconds, 3));
            json.WriteNumber("sent", Sent);
            json.WriteNumber("acked", Acked);
            json.WriteNumber("acked_in_window", AckedInWindow);
            json.WriteNumber("completed", Completed);
            json.WriteNumber("received", Received);
            json.WriteNumber("received_in_window", ReceivedInWindow);
            json.WriteNumber("late", Received - ReceivedInWindow);
            json.WriteNumber("delivered", Delivered);
            json.WriteNumber("delivered_in_window", DeliveredInWindow);
            json.WriteNumber("expected", Expected);
            json.WriteNumber("sent_per_s", Math.Round(SentPerSecond, 1));
            json.WriteNumber("acked_per_s", Math.Round(AckedPerSecond, 1));
            json.WriteNumber("received_per_s", Math.Round(ReceivedPerSecond, 1));
            json.WriteNumber("delivered_per_s", Math.Round(DeliveredPerSecond, 1));
            json.WriteNumber("acked_deliveries", AckedDeliveries);
            json.WriteNumber("acked_received", AckedDeliveries - AckedLost);
            json.WriteNumber("acked_lost", AckedLost);
            json.WriteNumber("acked_lost_pct", Math.Round(AckedLostPercent, 3));
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
