using System.Text;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// A rule's topic filter with placeholders: <c>${username}</c>, <c>${clientid}</c>, <c>${cert_common_name}</c>, and
/// EMQX 4's <c>%u</c> and <c>%c</c>. A filter renders only when every value it names is there and is a single level
/// without wildcards: a missing (or empty) value would otherwise widen <c>users/${username}/#</c> to <c>users//#</c>,
/// and a username of <c>+</c> or <c>a/#</c> would reach other clients' topics (EMQX refuses the same by default,
/// <c>authorization.topic_template_allow</c>).
/// </summary>
internal sealed class TopicTemplate
{
    private readonly IReadOnlyList<string> _literals;
    private readonly IReadOnlyList<Placeholder> _placeholders;

    /// <param name="literals">One more than <paramref name="placeholders"/>: the text before, between and after them.</param>
    public TopicTemplate(IReadOnlyList<string> literals, IReadOnlyList<Placeholder> placeholders)
    {
        if (literals.Count != placeholders.Count + 1)
        {
            throw new ArgumentException("one literal more than placeholders", nameof(literals));
        }

        _literals = literals;
        _placeholders = placeholders;
    }

    public bool HasPlaceholders => _placeholders.Count > 0;

    /// <summary>The filter for this client; null when a value is missing or not a plain level.</summary>
    public string? TryRender(ClientInfo client)
    {
        var filter = new StringBuilder(_literals[0]);
        for (var i = 0; i < _placeholders.Count; i++)
        {
            var value = ValueOf(_placeholders[i], client);
            // A value that starts a level with '$' would reach topics such as $SYS that wildcards never match.
            if (string.IsNullOrEmpty(value) || value.AsSpan().IndexOfAny('/', '+', '#') >= 0
                || (value[0] == '$' && (filter.Length == 0 || filter[^1] == '/')))
            {
                return null;
            }

            filter.Append(value).Append(_literals[i + 1]);
        }

        return filter.ToString();
    }

    /// <summary>The filter with every placeholder as one plain level, to check the rule's syntax when it is read.</summary>
    public string RenderSample()
    {
        var filter = new StringBuilder(_literals[0]);
        for (var i = 0; i < _placeholders.Count; i++)
        {
            filter.Append('x').Append(_literals[i + 1]);
        }

        return filter.ToString();
    }

    private static string? ValueOf(Placeholder placeholder, ClientInfo client) => placeholder switch
    {
        Placeholder.Username => client.Username,
        Placeholder.ClientId => client.ClientId,
        Placeholder.CertCommonName => client.CertCommonName,
        _ => null,
    };
}

internal enum Placeholder
{
    Username,
    ClientId,
    CertCommonName,
}
