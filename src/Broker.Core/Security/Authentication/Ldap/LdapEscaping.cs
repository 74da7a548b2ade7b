using System.Text;

namespace Broker.Core.Security.Authentication.Ldap;

/// <summary>
/// Values put into DNs (RFC 4514) and filters (RFC 4515) escaped, so that a username such as <c>*)(uid=*</c> or
/// <c>admin,ou=staff</c> stays a value and cannot change what is searched (LDAP injection).
/// </summary>
internal static class LdapEscaping
{
    public static string Dn(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var special = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '='
                || (i == 0 && c is ' ' or '#') || (i == value.Length - 1 && c == ' ');
            if (c == '\0')
            {
                escaped.Append("\\00");
            }
            else
            {
                escaped.Append(special ? "\\" : "").Append(c);
            }
        }

        return escaped.ToString();
    }

    public static string Filter(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            escaped.Append(c switch
            {
                '*' => "\\2a",
                '(' => "\\28",
                ')' => "\\29",
                '\\' => "\\5c",
                '\0' => "\\00",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <summary>${username} and ${clientid} in <paramref name="template"/>, each value escaped by <paramref name="escape"/>.</summary>
    public static string Render(string template, ClientInfo client, Func<string, string> escape) =>
        template.Replace("${username}", escape(client.Username ?? ""), StringComparison.Ordinal)
            .Replace("${clientid}", escape(client.ClientId), StringComparison.Ordinal);
}
