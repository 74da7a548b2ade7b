using System.Globalization;
using System.Text;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// Reads the Erlang terms of an <c>acl.conf</c> as <c>file:consult/1</c> does for the forms EMQX's rules use: a
/// sequence of terms each ended by '.', '%' starting a comment to the end of the line. Atoms are bare
/// (<c>allow</c>, <c>client_attr</c>) or quoted (<c>'and'</c>); strings take the escapes <c>\\ \" \' \n \r \t</c> and
/// no others, so that a regex written with a single backslash (<c>"\d"</c>, which Erlang reads as a DEL character)
/// is an error here rather than a rule that silently means something else.
/// </summary>
internal ref struct ErlangTermReader
{
    private readonly ReadOnlySpan<char> _text;
    private readonly string _sourceName;
    private int _position;
    private int _line;
    private int _lineStart;

    public ErlangTermReader(ReadOnlySpan<char> text, string sourceName)
    {
        _text = text;
        _sourceName = sourceName;
        _line = 1;
    }

    /// <summary>Every term of the text, each checked to end with '.'.</summary>
    public static List<ErlangTerm> ReadAll(string text, string sourceName)
    {
        var reader = new ErlangTermReader(text, sourceName);
        var terms = new List<ErlangTerm>();
        while (reader.SkipBlanks())
        {
            terms.Add(reader.ReadTerm());
            reader.Expect('.', "'.' to end the rule");
        }

        return terms;
    }

    private ErlangTerm ReadTerm()
    {
        if (!SkipBlanks())
        {
            throw Error("a term (atom, string, integer, tuple or list) but found the end of the file");
        }

        var (line, column) = (_line, Column);
        var c = _text[_position];
        switch (c)
        {
            case '{':
                _position++;
                return new ErlangTuple(ReadElements('}'), line, column);
            case '[':
                _position++;
                return new ErlangList(ReadElements(']'), line, column);
            case '"':
                return new ErlangString(ReadQuoted('"'), line, column);
            case '\'':
                return new ErlangAtom(ReadQuoted('\''), line, column);
            case >= '0' and <= '9':
                return new ErlangInteger(ReadInteger(), line, column);
            case >= 'a' and <= 'z':
                return new ErlangAtom(ReadBareAtom(), line, column);
            default:
                throw Error($"a term (atom, string, integer, tuple or list) but found '{c}'");
        }
    }

    private List<ErlangTerm> ReadElements(char close)
    {
        var elements = new List<ErlangTerm>();
        if (SkipBlanks() && _text[_position] == close)
        {
            _position++;
            return elements;
        }

        while (true)
        {
            elements.Add(ReadTerm());
            if (!SkipBlanks())
            {
                throw Error($"',' or '{close}' but found the end of the file");
            }

            var c = _text[_position];
            if (c == close)
            {
                _position++;
                return elements;
            }

            if (c != ',')
            {
                throw Error($"',' or '{close}' but found '{c}'");
            }

            _position++;
        }
    }

    private string ReadQuoted(char quote)
    {
        var (line, column) = (_line, Column);
        _position++;
        var value = new StringBuilder();
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == quote)
            {
                _position++;
                return value.ToString();
            }

            value.Append(c == '\\' ? ReadEscape() : c);
            _position++;
            if (c == '\n')
            {
                NewLine();
            }
        }

        throw new AclParseException(_sourceName, line, column, $"expected the closing {quote} of the text that starts here but found the end of the file");
    }

    /// <summary>Leaves the position on the escape's last character.</summary>
    private char ReadEscape()
    {
        _position++;
        if (_position >= _text.Length)
        {
            throw Error("an escaped character after '\\' but found the end of the file");
        }

        return _text[_position] switch
        {
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            var other => throw Error($"one of the escapes \\\\ \\\" \\' \\n \\r \\t but found \\{other} (write \\\\{other} for a backslash in a regex)"),
        };
    }

    private long ReadInteger()
    {
        var start = _position;
        while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
        {
            _position++;
        }

        if (!long.TryParse(_text[start.._position], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            _position = start;
            throw Error("an integer that fits in 64 bits");
        }

        return value;
    }

    private string ReadBareAtom()
    {
        var start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] is '_' or '@'))
        {
            _position++;
        }

        return _text[start.._position].ToString();
    }

    private void Expect(char expected, string what)
    {
        if (!SkipBlanks())
        {
            throw Error($"{what} but found the end of the file");
        }

        if (_text[_position] != expected)
        {
            throw Error($"{what} but found '{_text[_position]}'");
        }

        _position++;
    }

    /// <summary>Skips whitespace and comments; false at the end of the text.</summary>
    private bool SkipBlanks()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '%')
            {
                var end = _text[_position..].IndexOf('\n');
                _position = end < 0 ? _text.Length : _position + end;
            }
            else if (c == '\n')
            {
                _position++;
                NewLine();
            }
            else if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Called with the position just past a newline.</summary>
    private void NewLine()
    {
        _line++;
        _lineStart = _position;
    }

    private readonly int Column => _position - _lineStart + 1;

    private readonly AclParseException Error(string expected) => new(_sourceName, _line, Column, "expected " + expected);
}
