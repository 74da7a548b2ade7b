using System.Text;

namespace Broker.Host.Configuration.Hocon;

internal sealed partial class HoconParser
{
    private const string IncludeUsage = "include must be followed by a quoted file name, file(\"...\") or required(\"...\")";

    /// <summary>
    /// <c>include "x.conf"</c>, <c>include file("x.conf")</c>, <c>include required("x.conf")</c>,
    /// <c>include required(file("x.conf"))</c>: the included file's fields are applied here, as if
    /// written in place. Relative names are relative to the including file, never the working directory.
    /// </summary>
    private void ParseInclude(HoconTreeBuilder builder, string[] path, string displayBase)
    {
        Advance();
        SkipWhitespaceAndNewlines();
        var (name, required, token) = ParseIncludeArgument(Display(displayBase, path));
        var location = Path.IsPathRooted(name) ? name : Path.Combine(_directory, name);
        var files = Candidates(location);
        if (files.Count == 0)
        {
            if (required)
                throw Error(token, null, $"required include {HoconPath.Quote(name)} not found (looked for {location})");
            return; // the spec: a missing include is silently ignored
        }

        // The fixed-up prefix only makes sense for the document tree; objects inside arrays have no path in it.
        var prefix = builder.BindsSelfReferences ? path : _prefix;
        foreach (var file in files)
        {
            var full = Path.GetFullPath(file);
            var display = Path.IsPathRooted(name)
                ? file
                : Path.Combine(Path.GetDirectoryName(_file) ?? "", name + file[location.Length..]);
            if (_includes.Contains(full))
                throw Error(token, null, $"include cycle: {_includes.Describe()} -> {display}");
            var text = Read(full, token, display);
            _includes.Push(full, display);
            try
            {
                new HoconParser(text, display, Path.GetDirectoryName(full)!, prefix, _includes)
                    .ParseDocument(builder, path, displayBase);
            }
            finally
            {
                _includes.Pop();
            }
        }
    }

    private (string Name, bool Required, HoconToken Token) ParseIncludeArgument(string fieldPath)
    {
        if (Peek().Kind == HoconTokenKind.Quoted)
        {
            var plain = Advance();
            return (plain.Text, false, plain);
        }

        // The tokenizer leaves '(' and ')' in unquoted text: `required(file(` is read as text up to the quote.
        var start = Peek();
        var opener = new StringBuilder();
        while (Peek().Kind is HoconTokenKind.Unquoted or HoconTokenKind.Whitespace)
            AppendText(opener, Advance());
        var form = opener.ToString();
        if (Peek().Kind != HoconTokenKind.Quoted || form.Length == 0)
            throw Error(start, fieldPath.Length == 0 ? null : fieldPath, IncludeUsage);
        var nameToken = Advance();

        var depth = form.Count(c => c == '(');
        var closer = new StringBuilder();
        while (closer.Length < depth && Peek().Kind is HoconTokenKind.Unquoted or HoconTokenKind.Whitespace)
            AppendText(closer, Advance());

        var required = form switch
        {
            "file(" => false,
            "required(" or "required(file(" => true,
            "url(" or "classpath(" or "required(url(" or "required(classpath(" =>
                throw Error(start, null, $"include {form.TrimEnd('(')}(...) is not supported; use file(\"...\") or a quoted file name"),
            _ => throw Error(start, null, IncludeUsage),
        };
        if (closer.ToString() != new string(')', depth))
            throw Error(nameToken, null, $"expected {new string(')', depth)} after the included file name");
        return (nameToken.Text, required, nameToken);
    }

    private static void AppendText(StringBuilder text, HoconToken token)
    {
        if (token.Kind == HoconTokenKind.Unquoted)
            text.Append(token.Text);
    }

    /// <summary>
    /// The file itself, or for a name without extension every known format: JSON first so that
    /// HOCON, read last, wins (the spec's order).
    /// </summary>
    private static List<string> Candidates(string location)
    {
        if (File.Exists(location))
            return [location];
        if (Path.HasExtension(location))
            return [];
        return [.. new[] { location + ".json", location + ".conf" }.Where(File.Exists)];
    }

    private string Read(string full, HoconToken token, string display)
    {
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error(token, null, $"cannot read included file {display}: {e.Message}");
        }
    }
}
