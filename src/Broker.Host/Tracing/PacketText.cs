using System.Buffers;
using System.Globalization;
using System.Text;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tracing;

/// <summary>
/// A packet as a trace's line shows it, in EMQX's style: <c>PUBLISH(Q1, R0, D0, Topic=a/b, PacketId=3, Payload=on)</c>.
/// Never a password; a payload cut at <see cref="PayloadLimit"/> bytes, shown as text when it is UTF-8, else in hex.
/// </summary>
internal static class PacketText
{
    public const int PayloadLimit = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Format(MqttPacket packet) => packet switch
    {
        PublishPacket p => string.Create(CultureInfo.InvariantCulture,
            $"PUBLISH(Q{(int)p.QoS}, R{(p.Retain ? 1 : 0)}, D{(p.Dup ? 1 : 0)}, Topic={Text(p.Topic)}, PacketId={p.PacketId}, Payload={Payload(p.Payload)})"),
        SubscribePacket s => string.Create(CultureInfo.InvariantCulture,
            $"SUBSCRIBE(PacketId={s.PacketId}, TopicFilters=[{string.Join(", ", s.Subscriptions.Select(f => $"{Text(f.Filter)}(Q{(int)f.Options.MaximumQoS})"))}])"),
        UnsubscribePacket u => string.Create(CultureInfo.InvariantCulture, $"UNSUBSCRIBE(PacketId={u.PacketId}, TopicFilters=[{string.Join(", ", u.TopicFilters.Select(Text))}])"),
        ConnectPacket c => string.Create(CultureInfo.InvariantCulture,
            $"CONNECT(ClientId={Text(c.ClientId)}, ProtoVer={c.ProtocolVersion}, CleanStart={c.CleanStart}, KeepAlive={c.KeepAlive}, Username={Text(c.UserName)}, Password={(c.Password is null ? "" : "******")})"),
        ConnAckPacket a => string.Create(CultureInfo.InvariantCulture, $"CONNACK(SessionPresent={a.SessionPresent}, ReasonCode={a.ReasonCode})"),
        SubAckPacket a => string.Create(CultureInfo.InvariantCulture, $"SUBACK(PacketId={a.PacketId}, ReasonCodes=[{string.Join(", ", a.ReasonCodes)}])"),
        UnsubAckPacket a => string.Create(CultureInfo.InvariantCulture, $"UNSUBACK(PacketId={a.PacketId})"),
        PublishAcknowledgement a => string.Create(CultureInfo.InvariantCulture, $"{a.Type.ToString().ToUpperInvariant()}(PacketId={a.PacketId}, ReasonCode={a.ReasonCode})"),
        DisconnectPacket d => string.Create(CultureInfo.InvariantCulture, $"DISCONNECT(ReasonCode={d.ReasonCode})"),
        _ => packet.Type.ToString().ToUpperInvariant(),
    };

    private static string Payload(ReadOnlySequence<byte> payload)
    {
        var shown = payload.Length > PayloadLimit ? payload.Slice(0, PayloadLimit) : payload;
        var bytes = shown.ToArray();
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = "0x" + Convert.ToHexString(bytes);
        }

        text = Text(text);
        return payload.Length > PayloadLimit ? $"{text}...({payload.Length} bytes)" : text;
    }

    /// <summary>
    /// A client's text with its control characters escaped (\n, \u0000...): a line of the log is one packet, and a
    /// newline in a topic or payload must not write a line of its own into what an operator downloads.
    /// </summary>
    private static string Text(string? text)
    {
        if (text is null || !text.Any(char.IsControl))
            return text ?? "";
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
