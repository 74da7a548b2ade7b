using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Splits HOCON text into tokens. Comments are dropped but the newline ending them is kept,
/// because newlines separate fields and array elements. Whitespace is kept as a token because
/// the whitespace between concatenated values is part of the resulting string.
/// </summary>
/// <remarks>
/// Unquoted text is one token up to a character the spec forbids in it (or <c>//</c>); whether
/// <c>1883</c> is a number or <c>true</c> a boolean is decided by the parser, which alone knows
/// whether the token stands alone (a number) or is part of a concatenation or key (a string).
/// </remarks>
internal sealed class HoconTokenizer
{
    private readonly string _text;
    private readonly string _file;
    private readonly List<HoconToken> _tokens = [];
    private int _pos;
    private int _line = 1;
    private int _column = 1;

    private HoconTokenizer(string text, string file)
    {
        _text = text;
        _file = file;
    }

    public static List<HoconToken> Tokenize(string text, string file)
    {
        var tokenizer = new HoconTokenizer(text, file);
        tokenizer.Run();
        return tokenizer._tokens;
    }

    private void Run()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            switch (c)
            {
                case '\n': Single(HoconTokenKind.Newline); break;
                case '{': Single(HoconTokenKind.OpenBrace); break;
                case '}': Single(HoconTokenKind.CloseBrace); break;
                case '[': Single(HoconTokenKind.OpenBracket); break;
                case ']': Single(HoconTokenKind.CloseBracket); break;
                case ',': Single(HoconTokenKind.Comma); break;
                case ':': Single(HoconTokenKind.Colon); break;
                case '=': Single(HoconTokenKind.Equals); break;
                case '#': SkipComment(); break;
                case '/' when PeekAt(1) == '/': SkipComment(); break;
                case '+' when PeekAt(1) == '=': ReadPlusEquals(); break;
                case '"' when PeekAt(1) == '"' && PeekAt(2) == '"': ReadTripleQuoted(); break;
                case '"': ReadQuoted(); break;
                case '$' when PeekAt(1) == '{': ReadSubstitution(); break;
                default:
                    if (IsWhitespace(c))
                        ReadWhitespace();
                    else if (IsForbidden(c))
                        throw Forbidden(c);
                    else
                        ReadUnquoted();
                    break;
            }
        }
        _tokens.Add(new HoconToken(HoconTokenKind.End, "", _pos, _pos, _line, _column));
    }

    /// <summary>HOCON whitespace, except the newline, which is a token of its own.</summary>
    public static bool IsWhitespace(char c) =>
        c != '\n' && (char.IsWhiteSpace(c) || c == '\uFEFF' || c is >= '\x1C' and <= '\x1F');

    /// <summary>Characters that end unquoted text (the spec's list).</summary>
    public static bool IsForbidden(char c) => c is
        '$' or '"' or '{' or '}' or '[' or ']' or ':' or '=' or ',' or '+' or '#'
        or '`' or '^' or '?' or '!' or '@' or '*' or '&' or '\\';

    private char PeekAt(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private void Next()
    {
        if (_text[_pos] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }
        _pos++;
    }

    private void Single(HoconTokenKind kind)
    {
        var token = new HoconToken(kind, _text[_pos].ToString(), _pos, _pos + 1, _line, _column);
        Next();
        _tokens.Add(token);
    }

    private void ReadPlusEquals()
    {
        _tokens.Add(new HoconToken(HoconTokenKind.PlusEquals, "+=", _pos, _pos + 2, _line, _column));
        Next();
        Next();
    }

    private void SkipComment()
    {
        while (_pos < _text.Length && _text[_pos] != '\n')
            Next();
    }

    private void ReadWhitespace()
    {
        var (start, line, column) = (_pos, _line, _column);
        while (_pos < _text.Length && IsWhitespace(_text[_pos]))
            Next();
        _tokens.Add(new HoconToken(HoconTokenKind.Whitespace, _text[start.._pos], start, _pos, line, column));
    }

    private void ReadUnquoted()
    {
        var (start, line, column) = (_pos, _line, _column);
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '/' && PeekAt(1) == '/')
                break;
            if (c == '+' && IsExponentSign(start))
            {
                Next();
                continue;
            }
            if (IsWhitespace(c) || c == '\n' || IsForbidden(c))
                break;
            Next();
        }
        _tokens.Add(new HoconToken(HoconTokenKind.Unquoted, _text[start.._pos], start, _pos, line, column));
    }

    // The spec forbids '+' in unquoted text, but JSON numbers such as 1e+5 contain one.
    private bool IsExponentSign(int start) =>
        _pos > start
        && _text[_pos - 1] is 'e' or 'E'
        && (char.IsAsciiDigit(_text[start]) || _text[start] == '-');

    private void ReadQuoted()
    {
        var (start, line, column) = (_pos, _line, _column);
        Next();
        var value = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
                throw new HoconException(new HoconOrigin(_file, line, column), null, "unterminated quoted string (a quoted string cannot span lines; use \"\"\" for multi-line text)");
            var c = _text[_pos];
            if (c == '"')
                break;
            if (c == '\\')
                value.Append(ReadEscape());
            else
            {
                value.Append(c);
                Next();
            }
        }
        Next();
        _tokens.Add(new HoconToken(HoconTokenKind.Quoted, value.ToString(), start, _pos, line, column));
    }

    private char ReadEscape()
    {
        var (line, column) = (_line, _column);
        Next();
        if (_pos >= _text.Length)
            throw new HoconException(new HoconOrigin(_file, line, column), null, "unterminated escape sequence");
        var c = _text[_pos];
        Next();
        switch (c)
        {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                if (_pos + 4 <= _text.Length
                    && ushort.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    for (var i = 0; i < 4; i++)
                        Next();
                    return (char)code;
                }
                throw new HoconException(new HoconOrigin(_file, line, column), null, "\\u must be followed by four hexadecimal digits");
            default:
                throw new HoconException(new HoconOrigin(_file, line, column), null, $"unknown escape sequence '\\{c}' (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }
    }

    /// <summary>
    /// <c>"""text"""</c>: no escapes, may span lines. Quotes just before the closing three
    /// belong to the text, so <c>""""x""""</c> is <c>"x"</c>.
    /// </summary>
    private void ReadTripleQuoted()
    {
        var (start, line, column) = (_pos, _line, _column);
        for (var i = 0; i < 3; i++)
            Next();
        var contentStart = _pos;
        while (true)
        {
            if (_pos >= _text.Length)
                throw new HoconException(new HoconOrigin(_file, line, column), null, "unterminated triple-quoted string");
            if (_text[_pos] == '"' && PeekAt(1) == '"' && PeekAt(2) == '"')
            {
                var run = 0;
                while (PeekAt(run) == '"')
                    run++;
                var contentEnd = _pos + run - 3;
                for (var i = 0; i < run; i++)
                    Next();
                _tokens.Add(new HoconToken(HoconTokenKind.TripleQuoted, _text[contentStart..contentEnd], start, _pos, line, column));
                return;
            }
            Next();
        }
    }

    /// <summary><c>${path}</c> or <c>${?path}</c>; the path expression is kept raw for the parser.</summary>
    private void ReadSubstitution()
    {
        var (start, line, column) = (_pos, _line, _column);
        Next();
        Next();
        var optional = _pos < _text.Length && _text[_pos] == '?';
        if (optional)
            Next();
        var pathStart = _pos;
        var quoted = false;
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
                throw new HoconException(new HoconOrigin(_file, line, column), null, "unterminated substitution: expected '}'");
            var c = _text[_pos];
            if (c == '"')
                quoted = !quoted;
            else if (c == '\\' && quoted)
                Next();
            else if (c == '}' && !quoted)
                break;
            Next();
        }
        var path = _text[pathStart.._pos];
        Next();
        _tokens.Add(new HoconToken(HoconTokenKind.Substitution, path, start, _pos, line, column, optional));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private HoconException Forbidden(char c)
    {
        var origin = new HoconOrigin(_file, _line, _column);
        return c switch
        {
            '$' => new HoconException(origin, null, "'$' must start a substitution such as ${a.b}; put the value in double quotes to use a literal '$'"),
            '+' => new HoconException(origin, null, "'+' is only valid as part of '+='; put the value in double quotes to use a literal '+'"),
            _ => new HoconException(origin, null, $"'{c}' is not allowed in unquoted text; put the value in double quotes"),
        };
    }
}
