using System.Text;

namespace Broker.Core.Security.Http;

/// <summary>
/// Percent-encoding (RFC 3986) for values put in a URL path, a query string or a form body: everything but the
/// unreserved characters is encoded, so a value's <c>/</c>, <c>&amp;</c>, <c>=</c>, <c>?</c>, <c>#</c>, <c>+</c>,
/// spaces and line breaks stay data. Bytes, not characters: a password that is not UTF-8 still travels intact.
/// </summary>
internal static class UrlEncoding
{
    public static void AppendEncoded(StringBuilder target, ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (IsUnreserved(b))
            {
                target.Append((char)b);
            }
            else
            {
                target.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
        }
    }

    /// <summary><c>k1=v1&amp;k2=v2</c>, every key and value encoded.</summary>
    public static string ComposeQuery(IEnumerable<KeyValuePair<byte[], byte[]>> fields)
    {
        var query = new StringBuilder();
        foreach (var (key, value) in fields)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }

            AppendEncoded(query, key);
            query.Append('=');
            AppendEncoded(query, value);
        }

        return query.ToString();
    }

    /// <summary>A query string or form body as its decoded fields, in order (<c>+</c> is a space).</summary>
    public static List<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var field in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? field : field[..equals];
            var value = equals < 0 ? "" : field[(equals + 1)..];
            fields.Add(new(Decode(key), Decode(value)));
        }

        return fields;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private static char HexDigit(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
