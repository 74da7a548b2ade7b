namespace Broker.Actors;

/// <summary>
/// Actor names become path elements, so they may not contain '/', and names beginning with '$' are kept
/// for names the system makes up. Client identifiers contain almost anything, so session actors escape
/// them with <see cref="Escape"/>.
/// </summary>
public static class ActorName
{
    public static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('/'))
        {
            throw new ArgumentException($"'{name}' is not a valid actor name: names are non-empty and contain no '/'.", nameof(name));
        }
    }

    /// <summary>A name for any string, reversible and unique: '%' and '/' are percent-encoded, as is a leading '$'.</summary>
    public static string Escape(string text)
    {
        if (text.Length > 0 && text[0] != '$' && text.AsSpan().IndexOfAny('%', '/') < 0)
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            builder.Append(c switch
            {
                '%' => "%25",
                '/' => "%2F",
                '$' when i == 0 => "%24",
                _ => c.ToString(),
            });
        }

        return builder.Length == 0 ? "%" : builder.ToString();
    }

    /// <summary>The text <see cref="Escape"/> made <paramref name="name"/> from.</summary>
    public static string Unescape(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "%")
        {
            return "";
        }

        return name.Contains('%')
            ? name.Replace("%2F", "/", StringComparison.Ordinal).Replace("%24", "$", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal)
            : name;
    }
}
