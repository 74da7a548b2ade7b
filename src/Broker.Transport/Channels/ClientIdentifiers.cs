namespace Broker.Transport.Channels;

/// <summary>Client ids the broker assigns to clients that connect with an empty one [MQTT-3.1.3-6].</summary>
public static class ClientIdentifiers
{
    public const string AssignedPrefix = "auto-";

    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>
    /// "auto-" and a random 128-bit value in 26 lower-case base32 characters: unique without asking the
    /// cluster [MQTT-3.2.2-16], and safe in topic levels and file names.
    /// </summary>
    public static string New()
    {
        return string.Create(AssignedPrefix.Length + 26, Guid.NewGuid(), static (chars, guid) =>
        {
            Span<byte> value = stackalloc byte[16];
            guid.TryWriteBytes(value);
            AssignedPrefix.CopyTo(chars);
            var output = chars[AssignedPrefix.Length..];
            int buffer = 0, bits = 0, next = 0;
            foreach (var b in value)
            {
                buffer = (buffer << 8) | b;
                bits += 8;
                while (bits >= 5)
                {
                    bits -= 5;
                    output[next++] = Base32Alphabet[(buffer >> bits) & 31];
                }
            }

            output[next] = Base32Alphabet[(buffer << (5 - bits)) & 31];
        });
    }
}
