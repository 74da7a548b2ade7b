using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Reads the tokens of one file into a <see cref="HoconTreeBuilder"/>. Substitutions are only
/// recorded here; they are resolved once every file is in the tree (<see cref="HoconResolver"/>).
/// </summary>
/// <remarks>
/// Grammar, informally:
/// <code>
/// document := object-body | '{' object-body '}'
/// object-body := (field | include) ((',' | newline) (field | include))* ','?
/// field := path-expression ( ('=' | ':')? '{' object-body '}' | ('=' | ':' | '+=') value )
/// value := piece (whitespace? piece)*         pieces on one line concatenate
/// piece := unquoted | "quoted" | """multi-line""" | ${path} | ${?path} | '{' object-body '}' | array
/// array := '[' (value ((',' | newline) value)* ','?)? ']'
/// </code>
/// </remarks>
internal sealed partial class HoconParser
{
    private readonly string _source;
    private readonly string _file;
    private readonly string _directory;
    private readonly string[] _prefix;
    private readonly HoconIncludeStack _includes;
    private readonly List<HoconToken> _tokens;
    private int _pos;

    /// <param name="file">Name used in origins and error messages.</param>
    /// <param name="directory">Absolute directory that relative includes are resolved against.</param>
    /// <param name="prefix">Where this file is included, to fix up its substitutions.</param>
    public HoconParser(string source, string file, string directory, string[] prefix, HoconIncludeStack includes)
    {
        _source = source;
        _file = file;
        _directory = directory;
        _prefix = prefix;
        _includes = includes;
        _tokens = HoconTokenizer.Tokenize(source, file);
    }

    /// <summary>Parses the whole file as an object whose fields go to <paramref name="path"/>.</summary>
    public void ParseDocument(HoconTreeBuilder builder, string[] path, string displayBase = "")
    {
        SkipWhitespaceAndNewlines();
        var first = Peek();
        if (first.Kind == HoconTokenKind.OpenBracket)
            throw Error(first, null, "the root of a HOCON document must be an object, not an array");
        if (first.Kind == HoconTokenKind.OpenBrace)
        {
            Advance();
            ParseObjectBody(builder, path, displayBase, first);
            Advance();
            SkipWhitespaceAndNewlines();
            if (Peek().Kind != HoconTokenKind.End)
                throw Error(Peek(), null, $"unexpected {Peek().Describe()} after the '}}' that closes the document");
            return;
        }
        ParseObjectBody(builder, path, displayBase, open: null);
        if (Peek().Kind == HoconTokenKind.CloseBrace)
            throw Error(Peek(), null, "unbalanced '}': the document does not start with '{'");
    }

    /// <summary>Fields up to the '}' matching <paramref name="open"/> (left unread), or to the end of the file.</summary>
    private void ParseObjectBody(HoconTreeBuilder builder, string[] path, string displayBase, HoconToken? open)
    {
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek();
            if (token.Kind == HoconTokenKind.CloseBrace)
                return;
            if (token.Kind == HoconTokenKind.End)
            {
                if (open is { } o)
                    throw Error(token, null, $"expected '}}' to close the object opened at line {o.Line}");
                return;
            }
            if (token.Kind == HoconTokenKind.Comma)
                throw Error(token, null, "unexpected ',' (a ',' must follow a field, and only one is allowed)");

            var fieldPath = ParseFieldOrInclude(builder, path, displayBase);

            SkipWhitespace();
            var after = Peek();
            switch (after.Kind)
            {
                case HoconTokenKind.Comma:
                    Advance();
                    break;
                case HoconTokenKind.Newline or HoconTokenKind.CloseBrace or HoconTokenKind.End:
                    break;
                default:
                    throw Error(after, fieldPath, $"expected ',' or a new line after the value, got {after.Describe()}{QuoteHint(after)}");
            }
        }
    }

    /// <returns>The field's path, for messages about what follows it.</returns>
    private string ParseFieldOrInclude(HoconTreeBuilder builder, string[] path, string displayBase)
    {
        var first = Peek();
        if (first is { Kind: HoconTokenKind.Unquoted, Text: "include" }
            && PeekAt(1).Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline or HoconTokenKind.Quoted)
        {
            ParseInclude(builder, path, displayBase);
            return Display(displayBase, path);
        }

        var key = ParseKey();
        string[] full = [.. path, .. key];
        var fieldPath = Display(displayBase, full);

        SkipWhitespace();
        var separator = Peek();
        switch (separator.Kind)
        {
            case HoconTokenKind.OpenBrace:
                ParseObjectField(builder, full, fieldPath, displayBase);
                break;
            case HoconTokenKind.Equals or HoconTokenKind.Colon:
                Advance();
                SkipWhitespaceAndNewlines();
                if (Peek().Kind == HoconTokenKind.OpenBrace)
                    ParseObjectField(builder, full, fieldPath, displayBase);
                else
                    builder.Assign(full, ParseValue(fieldPath));
                break;
            case HoconTokenKind.PlusEquals:
                Advance();
                SkipWhitespaceAndNewlines();
                builder.Append(full, ParseValue(fieldPath), fieldPath);
                break;
            case HoconTokenKind.Newline or HoconTokenKind.End or HoconTokenKind.Comma or HoconTokenKind.CloseBrace:
                throw Error(separator, fieldPath, "key has no value (expected '=', ':' or '{' after the key)");
            default:
                throw Error(separator, fieldPath, $"expected '=', ':' or '{{' after the key, got {separator.Describe()}");
        }
        return fieldPath;
    }

    /// <summary>The path expression before a separator; whitespace inside a key is part of it.</summary>
    private string[] ParseKey()
    {
        var first = Peek();
        var last = first;
        while (Peek().Kind is HoconTokenKind.Unquoted or HoconTokenKind.Quoted or HoconTokenKind.Whitespace)
        {
            if (Peek().Kind != HoconTokenKind.Whitespace)
                last = Peek();
            Advance();
        }
        if (Peek() == first)
        {
            var reason = first.Kind switch
            {
                HoconTokenKind.Substitution => "substitutions are not allowed in keys",
                HoconTokenKind.TripleQuoted => "triple-quoted strings are not allowed in keys",
                _ => $"expected a key, got {first.Describe()}",
            };
            throw Error(first, null, reason);
        }
        if (Peek().Kind is HoconTokenKind.Substitution or HoconTokenKind.TripleQuoted)
            throw Error(Peek(), null, Peek().Kind == HoconTokenKind.Substitution ? "substitutions are not allowed in keys" : "triple-quoted strings are not allowed in keys");
        return HoconPath.Parse(_source[first.Start..last.End], OriginOf(first), null);
    }

    /// <summary>
    /// <c>key { ... }</c>: the fields go straight into the tree at <paramref name="full"/>, so that
    /// self-references inside see the earlier values of the fields they redefine.
    /// </summary>
    private void ParseObjectField(HoconTreeBuilder builder, string[] full, string fieldPath, string displayBase)
    {
        var open = Advance();
        builder.EnterObject(full, OriginOf(open));
        ParseObjectBody(builder, full, displayBase, open);
        Advance();
        if (IsPieceStart(Peek().Kind) || (Peek().Kind == HoconTokenKind.Whitespace && IsPieceStart(PeekAt(1).Kind)))
        {
            var rest = ParsePieces(fieldPath);
            builder.Continue(full, rest, OriginOf(open), fieldPath);
        }
    }

    private HoconValue ParseValue(string fieldPath)
    {
        var start = Peek();
        var pieces = ParsePieces(fieldPath);
        if (pieces.Count == 0)
            throw Error(start, fieldPath, $"expected a value, got {start.Describe()}{QuoteHint(start)}");
        if (pieces.Count == 1)
            return pieces[0].Value!;
        if (pieces.All(p => p.Whitespace is not null || p.Value is HoconScalar))
            return HoconScalar.String(pieces[0].Value!.Origin, string.Concat(pieces.Select(p => p.Whitespace ?? ((HoconScalar)p.Value!).Text)));
        return new HoconConcatenation(pieces[0].Value!.Origin, pieces.Select(AsConcatenationPiece).ToList(), fieldPath);
    }

    // A literal inside a concatenation is text: `null` written there is "null", while a
    // substitution that yields null contributes "" (the spec's rule).
    private static HoconConcatenation.Piece AsConcatenationPiece(HoconConcatenation.Piece piece) =>
        piece.Value is HoconScalar { Kind: not HoconScalarKind.String } scalar
            ? HoconConcatenation.Piece.Of(HoconScalar.String(scalar.Origin, scalar.Text))
            : piece;

    private static bool IsPieceStart(HoconTokenKind kind) => kind is
        HoconTokenKind.Unquoted or HoconTokenKind.Quoted or HoconTokenKind.TripleQuoted
        or HoconTokenKind.Substitution or HoconTokenKind.OpenBrace or HoconTokenKind.OpenBracket;

    /// <summary>The pieces of one value: everything up to a newline, ',', '}' or ']', outer whitespace dropped.</summary>
    private List<HoconConcatenation.Piece> ParsePieces(string fieldPath)
    {
        var pieces = new List<HoconConcatenation.Piece>();
        while (true)
        {
            var token = Peek();
            HoconValue value;
            switch (token.Kind)
            {
                case HoconTokenKind.Whitespace:
                    if (pieces.Count > 0)
                        pieces.Add(HoconConcatenation.Piece.Space(token.Text));
                    Advance();
                    continue;
                case HoconTokenKind.Unquoted:
                    value = Literal(Advance());
                    break;
                case HoconTokenKind.Quoted or HoconTokenKind.TripleQuoted:
                    value = HoconScalar.String(OriginOf(Advance()), token.Text);
                    break;
                case HoconTokenKind.Substitution:
                    value = Substitution(Advance(), fieldPath);
                    break;
                case HoconTokenKind.OpenBrace:
                    value = ParseDetachedObject(fieldPath);
                    break;
                case HoconTokenKind.OpenBracket:
                    value = ParseArray(fieldPath);
                    break;
                default:
                    if (pieces.Count > 0 && pieces[^1].Whitespace is not null)
                        pieces.RemoveAt(pieces.Count - 1);
                    return pieces;
            }
            pieces.Add(HoconConcatenation.Piece.Of(value));
        }
    }

    /// <summary>An object inside an array or a concatenation: built on its own, merged in whole.</summary>
    private HoconObject ParseDetachedObject(string fieldPath)
    {
        var open = Advance();
        var builder = new HoconTreeBuilder(OriginOf(open), bindSelfReferences: false);
        ParseObjectBody(builder, [], fieldPath, open);
        Advance();
        return builder.Root;
    }

    private HoconArray ParseArray(string fieldPath)
    {
        var open = Advance();
        var items = new List<HoconValue>();
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek();
            switch (token.Kind)
            {
                case HoconTokenKind.CloseBracket:
                    Advance();
                    return new HoconArray(OriginOf(open), items);
                case HoconTokenKind.End:
                    throw Error(token, fieldPath, $"expected ']' to close the array opened at line {open.Line}");
                case HoconTokenKind.Comma:
                    throw Error(token, fieldPath, "unexpected ',' in array (a ',' must follow an element, and only one is allowed)");
            }
            items.Add(ParseValue($"{fieldPath}[{items.Count}]"));
            SkipWhitespace();
            var after = Peek();
            if (after.Kind == HoconTokenKind.Comma)
                Advance();
            else if (after.Kind is not (HoconTokenKind.Newline or HoconTokenKind.CloseBracket or HoconTokenKind.End))
                throw Error(after, fieldPath, $"expected ',' or ']' after an array element, got {after.Describe()}{QuoteHint(after)}");
        }
    }

    private HoconScalar Literal(HoconToken token)
    {
        var origin = OriginOf(token);
        return token.Text switch
        {
            "true" or "false" => new HoconScalar(origin, HoconScalarKind.Boolean, token.Text),
            "null" => new HoconScalar(origin, HoconScalarKind.Null, token.Text),
            _ when JsonNumber().IsMatch(token.Text) => new HoconScalar(origin, HoconScalarKind.Number, token.Text),
            _ => HoconScalar.String(origin, token.Text),
        };
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    private HoconSubstitution Substitution(HoconToken token, string fieldPath)
    {
        var origin = OriginOf(token);
        var written = HoconPath.Parse(token.Text, origin, fieldPath);
        return new HoconSubstitution(origin, [.. _prefix, .. written], written, token.Optional, fieldPath);
    }

    private static string Display(string displayBase, string[] path) =>
        displayBase.Length == 0 ? HoconPath.Render(path)
        : path.Length == 0 ? displayBase
        : displayBase + "." + HoconPath.Render(path);

    private HoconToken Peek() => _tokens[_pos];

    private HoconToken PeekAt(int offset) => _tokens[Math.Min(_pos + offset, _tokens.Count - 1)];

    private HoconToken Advance() => _tokens[_pos < _tokens.Count - 1 ? _pos++ : _pos];

    private void SkipWhitespace()
    {
        while (Peek().Kind == HoconTokenKind.Whitespace)
            Advance();
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (Peek().Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
            Advance();
    }

    private HoconOrigin OriginOf(HoconToken token) => new(_file, token.Line, token.Column);

    private static string QuoteHint(HoconToken token) => token.Kind is HoconTokenKind.Colon or HoconTokenKind.Equals
        ? $" ('{token.Text}' is not allowed in unquoted text; put the value in double quotes)"
        : "";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private HoconException Error(HoconToken token, string? fieldPath, string reason) =>
        new(OriginOf(token), fieldPath, reason);
}
