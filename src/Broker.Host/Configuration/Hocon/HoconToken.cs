namespace Broker.Host.Configuration.Hocon;

/// <param name="Text">
/// Unescaped content for quoted strings, the raw path expression for substitutions, the source
/// text otherwise.
/// </param>
/// <param name="Start">Offset of the first source character, so keys can be re-read as path expressions.</param>
/// <param name="End">Offset just past the last source character.</param>
internal readonly record struct HoconToken(
    HoconTokenKind Kind, string Text, int Start, int End, int Line, int Column, bool Optional = false)
{
    public string Describe() => Kind switch
    {
        HoconTokenKind.Newline => "end of line",
        HoconTokenKind.End => "end of file",
        HoconTokenKind.Quoted or HoconTokenKind.TripleQuoted => "a quoted string",
        HoconTokenKind.Substitution => "a substitution",
        HoconTokenKind.Unquoted => $"'{Text}'",
        HoconTokenKind.Whitespace => "whitespace",
        _ => $"'{Text}'",
    };
}
