namespace Broker.Core.Security.Authentication.Scram;

/// <summary>
/// RFC 5802's saslname: a user name with "," written "=2C" and "=" written "=3D", so that it fits between the commas
/// of a message. Any other "=" is malformed.
/// </summary>
internal static class SaslName
{
    /// <summary>The name written in <paramref name="value"/>; null when it is empty or malformed.</summary>
    public static string? Decode(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (!value.Contains('=', StringComparison.Ordinal))
        {
            return value;
        }

        var name = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '=')
            {
                name.Append(value[i]);
                continue;
            }

            var escape = value.AsSpan(i + 1, Math.Min(2, value.Length - i - 1));
            if (escape.SequenceEqual("2C"))
            {
                name.Append(',');
            }
            else if (escape.SequenceEqual("3D"))
            {
                name.Append('=');
            }
            else
            {
                return null;
            }

            i += 2;
        }

        return name.ToString();
    }
}
