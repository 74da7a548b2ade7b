using System.Text;

namespace Broker.Core.Security.Postgres;

/// <summary>
/// A configured query with <c>${...}</c> placeholders, turned into a statement with bind parameters as EMQX's
/// <c>emqx_auth_template:parse_sql(Sql, '$n', AllowedVars)</c> does: each placeholder, bare or in double quotes
/// (<c>"${username}"</c>), becomes the next <c>$n</c>, and <c>${$}</c> is a literal <c>$</c>. The values travel
/// apart from the statement, so no username can change what the query does. A name this broker cannot fill is an
/// error when the query is read, rather than SQL text that fails (or worse, parses) later.
/// </summary>
public sealed class SqlTemplate
{
    private SqlTemplate(string statement, IReadOnlyList<CredentialPlaceholder> parameters)
    {
        Statement = statement;
        Parameters = parameters;
    }

    /// <summary>The query with <c>$1</c>, <c>$2</c>, ... in place of the placeholders.</summary>
    public string Statement { get; }

    /// <summary>What <c>$1</c>, <c>$2</c>, ... stand for, in order.</summary>
    public IReadOnlyList<CredentialPlaceholder> Parameters { get; }

    /// <param name="allowed">The placeholders the caller can fill (authorization has no password).</param>
    /// <exception cref="ArgumentException">The query is empty or names a placeholder outside <paramref name="allowed"/>.</exception>
    public static SqlTemplate Parse(string query, IReadOnlyCollection<CredentialPlaceholder> allowed)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(allowed);
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new ArgumentException("the query is empty", nameof(query));
        }

        var statement = new StringBuilder(query.Length);
        var parameters = new List<CredentialPlaceholder>();
        var at = 0;
        while (at < query.Length)
        {
            var open = query.IndexOf("${", at, StringComparison.Ordinal);
            var close = open < 0 ? -1 : query.IndexOf('}', open + 2);
            if (close < 0)
            {
                statement.Append(query, at, query.Length - at);
                break;
            }

            var name = query[(open + 2)..close];
            if (!IsName(name))
            {
                // Not a placeholder (EMQX's names are letters, digits, '.' and '_'): text, such as '${' in a literal.
                statement.Append(query, at, open + 2 - at);
                at = open + 2;
                continue;
            }

            if (name == "$")
            {
                statement.Append(query, at, open - at).Append('$');
                at = close + 1;
                continue;
            }

            var placeholder = Named(name, query, allowed);
            // "${username}" is the placeholder itself, quotes and all, as EMQX's strip_double_quote.
            var quoted = open > at && query[open - 1] == '"' && close + 1 < query.Length && query[close + 1] == '"';
            statement.Append(query, at, open - at - (quoted ? 1 : 0));
            parameters.Add(placeholder);
            statement.Append('$').Append(parameters.Count);
            at = close + 1 + (quoted ? 1 : 0);
        }

        return new SqlTemplate(statement.ToString(), parameters);
    }

    private static bool IsName(string name) =>
        name == "$" || (name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_'));

    private static CredentialPlaceholder Named(string name, string query, IReadOnlyCollection<CredentialPlaceholder> allowed)
    {
        if (CredentialPlaceholders.Named(name) is { } known && allowed.Contains(known))
        {
            return known;
        }

        var names = string.Join(", ", allowed.Select(p => "${" + CredentialPlaceholders.NameOf(p) + "}"));
        throw new ArgumentException($"placeholder ${{{name}}} is not supported here (use {names}, or ${{$}} for a literal $): {query}", nameof(query));
    }
}
