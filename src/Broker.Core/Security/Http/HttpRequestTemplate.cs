using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Broker.Core.Security.Http;

/// <summary>
/// The request the settings describe, parsed once and rendered for each CONNECT (an authenticator) or each check (an
/// authorization source) as EMQX's <c>emqx_auth_http_utils:generate_request/2</c> does: values percent-encoded in the path, the query and a form
/// body, JSON-escaped in a JSON body, and refused in a header when they hold a line break (no header injection).
/// </summary>
internal sealed class HttpRequestTemplate
{
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";

    private readonly HttpMethod _method;
    private readonly string _origin;
    private readonly HttpTemplate _path;
    private readonly KeyValuePair<string, HttpTemplate>[] _query;
    private readonly KeyValuePair<string, HttpTemplate>[] _headers;
    private readonly KeyValuePair<string, HttpTemplate>[] _body;
    private readonly MediaTypeHeaderValue? _contentType;
    private readonly string _describe;

    /// <param name="defaultBody">The fields sent when the settings give no body.</param>
    /// <param name="placeholders">The names the caller fills; any other stays as written.</param>
    /// <exception cref="ArgumentException">The settings describe no valid request.</exception>
    public HttpRequestTemplate(HttpServiceSettings settings, IReadOnlyDictionary<string, string> defaultBody, IReadOnlyCollection<string> placeholders)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(defaultBody);
        ArgumentNullException.ThrowIfNull(placeholders);
        _method = settings.Method == HttpAuthMethod.Get ? HttpMethod.Get : HttpMethod.Post;
        (_origin, var path, var query) = SplitUrl(settings.Url);
        _path = HttpTemplate.Parse(path, placeholders);
        _describe = $"{_method} {_origin}{path}";
        _query = [.. UrlEncoding.ParseQuery(query).Select(field => Field(field.Key, field.Value, placeholders))];
        _body = [.. (settings.Body ?? defaultBody).Select(field => Field(field.Key, field.Value, placeholders))];
        var headers = (settings.Headers ?? HttpServiceSettings.DefaultHeaders)
            .ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value, StringComparer.Ordinal);
        _contentType = ContentTypeOf(settings.Method, headers);
        headers.Remove("content-type");
        _headers = [.. headers.Select(header => Header(header.Key, header.Value, placeholders))];
    }

    /// <summary>The URL as configured, for messages: the rendered one may carry the password.</summary>
    public string Describe => _describe;

    /// <exception cref="HttpServiceException">A value cannot be put where the template puts it.</exception>
    public HttpRequestMessage Create(IHttpTemplateValues values)
    {
        var fields = _query.Select(field => Render(field, values));
        if (_method == HttpMethod.Get)
        {
            fields = fields.Concat(_body.Select(field => Render(field, values)));
        }

        var query = UrlEncoding.ComposeQuery(fields);
        var url = new StringBuilder(_origin).Append(RenderPath(values));
        if (query.Length > 0)
        {
            url.Append('?').Append(query);
        }

        // Canonicalization would undo what the encoding guarantees (it folds dot segments, for one).
        var request = new HttpRequestMessage(_method, new Uri(url.ToString(), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
        foreach (var (name, template) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, RenderHeader(name, template, values));
        }

        if (_contentType is not null)
        {
            request.Content = RenderBody(values);
        }

        return request;
    }

    private ByteArrayContent RenderBody(IHttpTemplateValues values)
    {
        byte[] bytes;
        if (_contentType!.MediaType == Json)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                foreach (var (name, template) in _body)
                {
                    json.WriteString(name, template.RenderText(values));
                }

                json.WriteEndObject();
            }

            bytes = buffer.WrittenSpan.ToArray();
        }
        else
        {
            bytes = Encoding.ASCII.GetBytes(UrlEncoding.ComposeQuery(_body.Select(field => Render(field, values))));
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = _contentType;
        return content;
    }

    private string RenderPath(IHttpTemplateValues values)
    {
        var path = new StringBuilder();
        foreach (var part in _path.Parts)
        {
            if (part.Literal is { } literal)
            {
                path.Append(literal);
            }
            else
            {
                UrlEncoding.AppendEncoded(path, values.Bytes(part.Placeholder!));
            }
        }

        // A value of "." or ".." is unreserved, so it stays as it is; as a whole segment the service would
        // resolve it and the request would reach another resource.
        var rendered = path.ToString();
        if (rendered.Split('/').Any(segment => Uri.UnescapeDataString(segment) is "." or ".."))
        {
            throw new HttpServiceException("a value makes a dot segment of the path");
        }

        return rendered;
    }

    private static string RenderHeader(string name, HttpTemplate template, IHttpTemplateValues values)
    {
        var value = template.RenderText(values);
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new HttpServiceException($"header {name}: a value holds a line break or NUL");
        }

        return value;
    }

    private static KeyValuePair<byte[], byte[]> Render(KeyValuePair<string, HttpTemplate> field, IHttpTemplateValues values) =>
        new(UrlEncoding.Utf8(field.Key), field.Value.RenderBytes(values));

    private static KeyValuePair<string, HttpTemplate> Field(string name, string template, IReadOnlyCollection<string> placeholders) =>
        new(name, HttpTemplate.Parse(template, placeholders));

    private static KeyValuePair<string, HttpTemplate> Header(string name, string template, IReadOnlyCollection<string> placeholders)
    {
        using var probe = new HttpRequestMessage();
        if (!probe.Headers.TryAddWithoutValidation(name, "x"))
        {
            throw new ArgumentException($"headers: {name} is not a request header that can be sent", nameof(name));
        }

        if (template.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException($"headers: the value of {name} holds a line break or NUL", nameof(template));
        }

        return new(name, HttpTemplate.Parse(template, placeholders));
    }

    private static MediaTypeHeaderValue? ContentTypeOf(HttpAuthMethod method, Dictionary<string, string> headers)
    {
        var configured = headers.GetValueOrDefault("content-type");
        if (method == HttpAuthMethod.Get)
        {
            return configured is null ? null : throw new ArgumentException("headers: a GET request has no content-type", nameof(headers));
        }

        if (!MediaTypeHeaderValue.TryParse(configured ?? Json, out var contentType) ||
            contentType.MediaType is not (Json or Form))
        {
            throw new ArgumentException($"headers: content-type must be {Json} or {Form}, not {configured}", nameof(headers));
        }

        return contentType;
    }

    /// <summary>scheme://host:port (literal, no user info), the path (default "/") and the query; no fragment.</summary>
    private static (string Origin, string Path, string Query) SplitUrl(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : url[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"url: http:// or https:// expected: {url}", nameof(url));
        }

        var hostStart = schemeEnd + 3;
        var hostEnd = url.IndexOfAny(['/', '?', '#'], hostStart);
        var authority = hostEnd < 0 ? url[hostStart..] : url[hostStart..hostEnd];
        if (authority.Length == 0 || authority.Contains('@', StringComparison.Ordinal) || authority.Contains("${", StringComparison.Ordinal) ||
            !Uri.TryCreate($"{scheme}://{authority}/", UriKind.Absolute, out var origin) || origin.AbsolutePath != "/")
        {
            throw new ArgumentException($"url: a literal host[:port] without user info expected: {url}", nameof(url));
        }

        var rest = hostEnd < 0 ? "" : url[hostEnd..];
        if (rest.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException($"url: no fragment: {url}", nameof(url));
        }

        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? rest : rest[..queryStart];
        if (path.Any(c => !IsPathCharacter(c)))
        {
            throw new ArgumentException($"url: the path may hold only URL characters and placeholders: {url}", nameof(url));
        }

        return ($"{scheme}://{authority}", path.Length == 0 ? "/" : path, queryStart < 0 ? "" : rest[(queryStart + 1)..]);
    }

    // RFC 3986 pchar, '/', and the braces of placeholders.
    private static bool IsPathCharacter(char c) =>
        char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@/%{}".Contains(c, StringComparison.Ordinal);
}
