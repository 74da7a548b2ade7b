using System.Text;

namespace Broker.Mqtt.Codec;

/// <summary>Encoded sizes of the section 1.5 data representations, for the remaining length computed before writing.</summary>
internal static class WireSize
{
    public const int MaximumRemainingLength = 268_435_455;

    public static int VariableByteInteger(int value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    /// <summary>The byte count of a string's UTF-8 form, which must fit the 2-byte length prefix.</summary>
    public static int Utf8(string value, string field)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        if (count > ushort.MaxValue)
        {
            throw new ArgumentException($"The {field} is {count} bytes in UTF-8; MQTT strings hold at most 65535.", field);
        }

        return count;
    }

    public static int Binary(int length, string field)
    {
        if (length > ushort.MaxValue)
        {
            throw new ArgumentException($"The {field} is {length} bytes; MQTT binary data holds at most 65535.", field);
        }

        return 2 + length;
    }
}
