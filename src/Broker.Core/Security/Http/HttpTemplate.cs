using System.Text;

namespace Broker.Core.Security.Http;

/// <summary>
/// A string with <c>${...}</c> placeholders (EMQX's <c>emqx_template</c>): literal text and values taken from the
/// request being decided. How a value is written (percent-encoded, JSON-escaped, as a header) is the caller's choice:
/// the template hands out its parts. A name the caller does not fill stays as written, as in EMQX
/// (<c>emqx_auth_template</c> renders a disallowed placeholder as is); <c>${$}</c> is a literal <c>$</c>.
/// </summary>
internal sealed class HttpTemplate
{
    /// <summary>Names EMQX fills that this broker has no value for: refused, not sent empty.</summary>
    private static readonly string[] Unsupported = ["peerport", "cert_pem", "zone", "listener", "proto_name", "mountpoint"];

    private HttpTemplate(IReadOnlyList<Part> parts) => Parts = parts;

    public IReadOnlyList<Part> Parts { get; }

    /// <param name="placeholders">The names the caller fills (an authenticator's, an authorization source's).</param>
    /// <exception cref="ArgumentException">The template names a value this broker cannot fill.</exception>
    public static HttpTemplate Parse(string text, IReadOnlyCollection<string> placeholders)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(placeholders);
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
            else if (placeholders.Contains(name))
            {
                if (literal.Length > 0)
                {
                    parts.Add(new Part(literal.ToString(), null));
                    literal.Clear();
                }

                parts.Add(new Part(null, name));
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

    /// <summary>The text with every value as its bytes (a password as the client sent it, whatever they are).</summary>
    public byte[] RenderBytes(IHttpTemplateValues values)
    {
        var buffer = new List<byte>();
        foreach (var part in Parts)
        {
            buffer.AddRange(part.Literal is { } literal ? Encoding.UTF8.GetBytes(literal) : values.Bytes(part.Placeholder!));
        }

        return [.. buffer];
    }

    /// <exception cref="HttpServiceException">A value is not text (a password that is not UTF-8), so it cannot be JSON or a header.</exception>
    public string RenderText(IHttpTemplateValues values)
    {
        var text = new StringBuilder();
        foreach (var part in Parts)
        {
            text.Append(part.Literal ?? values.Text(part.Placeholder!));
        }

        return text.ToString();
    }

    /// <summary>Literal text, or the name of a placeholder.</summary>
    internal readonly record struct Part(string? Literal, string? Placeholder);
}
