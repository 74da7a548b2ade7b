using System.Globalization;
using System.Text;

namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Path expressions, as in keys (<c>a.b.c = 1</c>) and substitutions (<c>${a."b.c"}</c>): dots
/// outside quotes separate elements, quoted text is taken literally.
/// </summary>
public static class HoconPath
{
    /// <summary>Splits <paramref name="expression"/> into its elements.</summary>
    /// <exception cref="HoconException">The expression is empty or malformed.</exception>
    public static IReadOnlyList<string> Parse(string expression) =>
        Parse(expression, new HoconOrigin("<path>", 0, 0), null);

    internal static string[] Parse(string expression, HoconOrigin origin, string? fieldPath)
    {
        List<HoconToken> tokens;
        try
        {
            tokens = HoconTokenizer.Tokenize(expression, origin.File);
        }
        catch (HoconException e)
        {
            throw new HoconException(origin, fieldPath, $"invalid path expression '{expression}': {e.Reason}");
        }

        // The tokenizer drops comments; in a path they are stray characters, not comments.
        if (tokens.Sum(t => t.End - t.Start) != expression.Length)
            throw new HoconException(origin, fieldPath, $"'#' and '//' are not allowed in the path expression '{expression}'; quote the key");

        var first = tokens.FindIndex(t => t.Kind != HoconTokenKind.Whitespace);
        var last = tokens.FindLastIndex(t => t.Kind is not (HoconTokenKind.Whitespace or HoconTokenKind.End));
        if (last < first)
            throw new HoconException(origin, fieldPath, "empty path expression");

        var segments = new List<string>();
        var current = new StringBuilder();
        var hasContent = false;
        for (var i = first; i <= last; i++)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case HoconTokenKind.Whitespace:
                    current.Append(token.Text);
                    break;
                case HoconTokenKind.Quoted:
                    current.Append(token.Text);
                    hasContent = true;
                    break;
                case HoconTokenKind.Unquoted:
                    var parts = token.Text.Split('.');
                    for (var p = 0; p < parts.Length; p++)
                    {
                        if (p > 0)
                            Finish();
                        current.Append(parts[p]);
                        hasContent |= parts[p].Length > 0;
                    }
                    break;
                default:
                    throw new HoconException(origin, fieldPath, $"{token.Describe()} is not allowed in the path expression '{expression}'");
            }
        }
        Finish();
        return [.. segments];

        void Finish()
        {
            if (!hasContent)
                throw new HoconException(origin, fieldPath, $"empty element in the path expression '{expression}' (write \"\" for an empty key)");
            segments.Add(current.ToString());
            current.Clear();
            hasContent = false;
        }
    }

    /// <summary>Joins elements with dots, quoting those that would not read back as one element.</summary>
    public static string Render(IEnumerable<string> segments) =>
        string.Join('.', segments.Select(s => NeedsQuotes(s) ? Quote(s) : s));

    private static bool NeedsQuotes(string segment) =>
        segment.Length == 0
        || segment.Contains("//", StringComparison.Ordinal)
        || segment.Any(c => c == '.' || c == '\n' || HoconTokenizer.IsWhitespace(c) || HoconTokenizer.IsForbidden(c));

    /// <summary>A JSON string literal, for keys and for values quoted in messages.</summary>
    public static string Quote(string text)
    {
        var result = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': result.Append("\\\""); break;
                case '\\': result.Append("\\\\"); break;
                case '\n': result.Append("\\n"); break;
                case '\r': result.Append("\\r"); break;
                case '\t': result.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                        result.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        result.Append(c);
                    break;
            }
        }
        return result.Append('"').ToString();
    }
}
