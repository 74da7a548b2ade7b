using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Broker.Host.Alarms;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Transport.Connections;

namespace Broker.Host.Sys;

/// <summary>
/// The JSON payloads of the <c>$SYS</c> events, with EMQX's fields (emqx_sys's client events, emqx_alarm's
/// <c>normalize</c>), written with <see cref="Utf8JsonWriter"/>: pure, so tested without a broker.
/// </summary>
internal static class SysPayloads
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>client.connected</c>: who, from where, with which protocol, keep-alive and session.</summary>
    public static byte[] Connected(ConnectedClient client, long tsMs) => Write(writer =>
    {
        Common(writer, client, tsMs);
        writer.WriteNumber("keepalive", client.KeepAlive);
        writer.WriteBoolean("clean_start", client.CleanStart);
        writer.WriteNumber("expiry_interval", client.ExpiryInterval);
    });

    /// <summary><c>client.disconnected</c>: who, why, and when.</summary>
    public static byte[] Disconnected(ConnectedClient client, string reason, long disconnectedAtMs) => Write(writer =>
    {
        Common(writer, client, disconnectedAtMs);
        writer.WriteString("reason", reason);
        writer.WriteNumber("disconnected_at", disconnectedAtMs);
    });

    /// <summary><c>session.subscribed</c>: the filter and its options as EMQX names them (qos, nl, rap, rh).</summary>
    public static byte[] Subscribed(ConnectedClient client, TopicSubscription subscription, long tsMs) => Write(writer =>
    {
        Subscription(writer, client, subscription.Filter);
        writer.WriteStartObject("subopts");
        writer.WriteNumber("qos", (int)subscription.Options.MaximumQoS);
        writer.WriteNumber("nl", subscription.Options.NoLocal ? 1 : 0);
        writer.WriteNumber("rap", subscription.Options.RetainAsPublished ? 1 : 0);
        writer.WriteNumber("rh", (int)subscription.Options.RetainHandling);
        writer.WriteEndObject();
        writer.WriteNumber("ts", tsMs);
    });

    public static byte[] Unsubscribed(ConnectedClient client, string filter, long tsMs) => Write(writer =>
    {
        Subscription(writer, client, filter);
        writer.WriteNumber("ts", tsMs);
    });

    /// <summary>
    /// An alarm as EMQX publishes it to <c>alarms/activate|deactivate</c>: times in microseconds since the epoch, and
    /// <c>deactivate_at</c> "infinity" while it is active.
    /// </summary>
    public static byte[] Alarm(Alarm alarm) => Write(writer =>
    {
        writer.WriteString("name", alarm.Name);
        writer.WritePropertyName("details");
        alarm.Details.WriteTo(writer);
        writer.WriteString("message", alarm.Message);
        writer.WriteNumber("activate_at", Microseconds(alarm.ActivateAt));
        if (alarm.DeactivateAt is { } at)
        {
            writer.WriteNumber("deactivate_at", Microseconds(at));
        }
        else
        {
            writer.WriteString("deactivate_at", "infinity");
        }

        writer.WriteBoolean("activated", alarm.IsActive);
    });

    /// <summary>EMQX's <c>datetime</c>: RFC 3339, to the tick.</summary>
    public static string Datetime(DateTimeOffset now) => now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);

    /// <summary>EMQX's protocol names for the CONNECT's level.</summary>
    public static string ProtocolName(MqttProtocolVersion version) => version == MqttProtocolVersion.V310 ? "MQIsdp" : "MQTT";

    private static long Microseconds(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).Ticks / 10;

    private static void Common(Utf8JsonWriter writer, ConnectedClient client, long tsMs)
    {
        writer.WriteString("clientid", client.ClientId);
        Username(writer, client);
        if (client.Address is { } address)
        {
            writer.WriteString("ipaddress", address.ToString());
        }
        else
        {
            writer.WriteString("ipaddress", "undefined");
        }

        writer.WriteNumber("sockport", client.SockPort);
        writer.WriteString("protocol", "mqtt");
        writer.WriteString("proto_name", ProtocolName(client.ProtocolVersion));
        writer.WriteNumber("proto_ver", (int)client.ProtocolVersion);
        writer.WriteNumber("connected_at", client.ConnectedAtMs);
        writer.WriteNumber("ts", tsMs);
    }

    private static void Subscription(Utf8JsonWriter writer, ConnectedClient client, string filter)
    {
        writer.WriteString("clientid", client.ClientId);
        Username(writer, client);
        writer.WriteString("protocol", "mqtt");
        writer.WriteString("topic", filter);
    }

    // EMQX writes an absent username as the atom undefined.
    private static void Username(Utf8JsonWriter writer, ConnectedClient client) =>
        writer.WriteString("username", client.Username ?? "undefined");

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
