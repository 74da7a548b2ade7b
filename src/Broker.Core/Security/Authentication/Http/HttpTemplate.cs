using System.Text;

namespace Broker.Core.Security.Authentication.Http;

/// <summary>
/// A string with <c>${...}</c> placeholders (EMQX's <c>emqx_template</c>): literal text and values taken from a
/// CONNECT. How a value is written (percent-encoded, JSON-escaped, as a header) is the caller's choice: the template
/// hands out its parts. A name EMQX does not know stays as written, as in EMQX; <c>${$}</c> is a literal <c>$</c>.
/// </summary>
internal sealed class HttpTemplate
{
    /// <summary>Names EMQX fills for an authenticator that this broker has no value for: refused, not sent empty.</summary>
    private static readonly string[] Unsupported = ["peerport", "cert_pem", "zone", "listener", "proto_name", "mountpoint"];

    private HttpTemplate(IReadOnlyList<Part> parts) => Parts = parts;

    public IReadOnlyList<Part> Parts { get; }

    /// <exception cref="ArgumentException">The template names a value this broker cannot fill.</exception>
    public static HttpTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var at = 0;
        while (at < text.Length)
        {
            var open = text.IndexOf("${", at, StringComparison.Ordinal);
            var close = open < 0 ? -1 : text.IndexOf('}', open + 2);
            if (close < 0)
            {
                literal.Append(text, at, text.Length - at);
                break;
            }

            literal.Append(text, at, open - at);
            var name = text[(open + 2)..close];
            if (name == "$")
            {
                literal.Append('$');
            }
            else if (CredentialPlaceholders.Named(name) is { } placeholder)
            {
                if (literal.Length > 0)
                {
                    parts.Add(new Part(literal.ToString(), null));
                    literal.Clear();
                }

                parts.Add(new Part(null, placeholder));
            }
            else if (Unsupported.Contains(name) || name.StartsWith("client_attrs.", StringComparison.Ordinal))
            {
                throw new ArgumentException($"placeholder ${{{name}}} is not supported by this broker: {text}", nameof(text));
            }
            else
            {
                literal.Append(text, open, close + 1 - open);
            }

            at = close + 1;
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null));
        }

        return new HttpTemplate(parts);
    }

    /// <summary>The text with every value as UTF-8 (the password as its bytes, whatever they are).</summary>
    public byte[] RenderBytes(HttpTemplateValues values)
    {
        var buffer = new List<byte>();
        foreach (var part in Parts)
        {
            buffer.AddRange(part.Literal is { } literal ? Encoding.UTF8.GetBytes(literal) : values.Bytes(part.Placeholder!.Value));
        }

        return [.. buffer];
    }

    /// <exception cref="HttpAuthenticationException">The password is not UTF-8, so it cannot be text (JSON, a header).</exception>
    public string RenderText(HttpTemplateValues values)
    {
        var text = new StringBuilder();
        foreach (var part in Parts)
        {
            text.Append(part.Literal ?? values.Text(part.Placeholder!.Value));
        }

        return text.ToString();
    }

    /// <summary>Literal text, or a placeholder.</summary>
    internal readonly record struct Part(string? Literal, CredentialPlaceholder? Placeholder);
}
