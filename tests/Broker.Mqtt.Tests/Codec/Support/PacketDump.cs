using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Broker.Mqtt.Tests.Codec.Support;

/// <summary>
/// Writes every public property of a packet, recursively, as text. Records compare lists and memory by
/// reference, so two packets are compared through their dumps instead: byte content for payloads and
/// binary data, items in order for lists. Reflection keeps the comparison complete when a field is added.
/// </summary>
internal static class PacketDump
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> PropertiesByType = new();

    public static string Describe(object? value)
    {
        var builder = new StringBuilder();
        Append(builder, value, 0);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, object? value, int depth)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                return;
            case string text:
                builder.Append('"').Append(text.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                return;
            case ReadOnlyMemory<byte> memory:
                AppendBytes(builder, memory.Span);
                return;
            case ReadOnlySequence<byte> sequence:
                AppendBytes(builder, sequence.ToArray());
                return;
            case Enum code:
                builder.Append(CultureInfo.InvariantCulture, $"{code} (0x{Convert.ToUInt64(code, CultureInfo.InvariantCulture):X2})");
                return;
            case IEnumerable items:
                AppendItems(builder, items, depth);
                return;
        }

        var type = value.GetType();
        if (type.IsPrimitive)
        {
            builder.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            return;
        }

        builder.Append(type.Name).Append(" {");
        foreach (var property in PropertiesByType.GetOrAdd(type, PublicProperties))
        {
            builder.AppendLine().Append(' ', (depth + 1) * 2).Append(property.Name).Append(" = ");
            Append(builder, property.GetValue(value), depth + 1);
        }

        builder.AppendLine().Append(' ', depth * 2).Append('}');
    }

    private static PropertyInfo[] PublicProperties(Type type) => type
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetIndexParameters().Length == 0)
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .ToArray();

    private static void AppendItems(StringBuilder builder, IEnumerable items, int depth)
    {
        builder.Append('[');
        var first = true;
        foreach (var item in items)
        {
            builder.Append(first ? "" : ", ");
            Append(builder, item, depth + 1);
            first = false;
        }

        builder.Append(']');
    }

    private static void AppendBytes(StringBuilder builder, ReadOnlySpan<byte> bytes) =>
        builder.Append(CultureInfo.InvariantCulture, $"bytes[{bytes.Length}] {Convert.ToHexString(bytes)}");
}
