using System.Text;
using System.Text.RegularExpressions;

namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>The value a <c>verify_claims</c> entry expects, with <c>${username}</c> and <c>${clientid}</c> (EMQX allows only those two).</summary>
internal sealed partial class ClaimTemplate
{
    private readonly string _text;

    private ClaimTemplate(string text) => _text = text;

    /// <exception cref="ArgumentException">A placeholder other than the two.</exception>
    public static ClaimTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Match match in Placeholder().Matches(text))
        {
            if (match.Groups[1].Value is not ("username" or "clientid"))
            {
                throw new ArgumentException($"verify_claims: {match.Value} is not a placeholder here (only ${{username}} and ${{clientid}})");
            }
        }

        return new ClaimTemplate(text);
    }

    /// <summary>The expected value for this client; null when it names a value the client has not (no username).</summary>
    public string? Render(ClientInfo client)
    {
        var rendered = new StringBuilder();
        var last = 0;
        foreach (Match match in Placeholder().Matches(_text))
        {
            var value = match.Groups[1].Value == "username" ? client.Username : client.ClientId;
            if (value is null)
            {
                return null;
            }

            rendered.Append(_text, last, match.Index - last).Append(value);
            last = match.Index + match.Length;
        }

        return rendered.Append(_text, last, _text.Length - last).ToString();
    }

    [GeneratedRegex(@"\$\{([^}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
