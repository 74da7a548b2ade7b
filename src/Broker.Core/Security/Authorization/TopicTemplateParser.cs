using System.Text;

namespace Broker.Core.Security.Authorization;

/// <summary>Splits a rule's topic into literal text and the placeholders of <see cref="TopicTemplate"/>.</summary>
internal static class TopicTemplateParser
{
    public static TopicTemplate Parse(string text, Func<string, Exception> error)
    {
        var literals = new List<string>();
        var placeholders = new List<Placeholder>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var (placeholder, length) = ReadPlaceholder(text.AsSpan(i), error);
            if (length == 0)
            {
                literal.Append(text[i]);
                i++;
                continue;
            }

            literals.Add(literal.ToString());
            literal.Clear();
            placeholders.Add(placeholder);
            i += length;
        }

        literals.Add(literal.ToString());
        return new TopicTemplate(literals, placeholders);
    }

    /// <summary>The placeholder at the start of <paramref name="text"/> and its length; 0 when none starts there.</summary>
    private static (Placeholder Placeholder, int Length) ReadPlaceholder(ReadOnlySpan<char> text, Func<string, Exception> error)
    {
        if (text.StartsWith("%u", StringComparison.Ordinal))
        {
            return (Placeholder.Username, 2);
        }

        if (text.StartsWith("%c", StringComparison.Ordinal))
        {
            return (Placeholder.ClientId, 2);
        }

        if (!text.StartsWith("${", StringComparison.Ordinal))
        {
            return default;
        }

        var end = text.IndexOf('}');
        if (end < 0)
        {
            throw error("a placeholder closed by '}'");
        }

        var name = text[2..end];
        Placeholder placeholder = name switch
        {
            "username" => Placeholder.Username,
            "clientid" => Placeholder.ClientId,
            "cert_common_name" => Placeholder.CertCommonName,
            _ => throw error($"a placeholder ${{username}}, ${{clientid}} or ${{cert_common_name}}, (not ${{{name.ToString()}}})"),
        };
        return (placeholder, end + 1);
    }
}
