namespace Broker.Host.Tests.Configuration.Hocon;

/// <summary>Every syntax error names the file, line, column and, where there is one, the key.</summary>
public class HoconSyntaxErrorTests
{
    [Fact]
    public void Unterminated_quoted_string() =>
        Hocon.Fails("a = 1\nb = \"abc\nc = 2", 2, 5, null, "unterminated quoted string");

    [Fact]
    public void Unterminated_triple_quoted_string() =>
        Hocon.Fails("a = \"\"\"abc", 1, 5, null, "unterminated triple-quoted string");

    [Fact]
    public void Bad_escape() =>
        Hocon.Fails("a = \"x\\qy\"", 1, 7, null, "unknown escape sequence '\\q'");

    [Fact]
    public void Bad_unicode_escape() =>
        Hocon.Fails("a = \"\\u12G4\"", 1, 6, null, "\\u must be followed by four hexadecimal digits");

    [Fact]
    public void Unterminated_substitution() =>
        Hocon.Fails("a = ${b", 1, 5, null, "unterminated substitution");

    [Fact]
    public void Reserved_characters_in_unquoted_text()
    {
        Hocon.Fails("node {\n  name = broker@127.0.0.1\n}", 2, 16, null, "'@' is not allowed in unquoted text; put the value in double quotes");
        Hocon.Fails("a = 50$", 1, 7, null, "'$' must start a substitution");
        Hocon.Fails("a = b+c", 1, 6, null, "'+' is only valid as part of '+='");
    }

    [Fact]
    public void A_colon_inside_an_unquoted_value_suggests_quotes() =>
        Hocon.Fails("listeners.tcp.bind = 0.0.0.0:1883", 1, 29, "listeners.tcp.bind", "put the value in double quotes");

    [Fact]
    public void Key_without_value() =>
        Hocon.Fails("mqtt {\n  max_inflight\n}", 2, 15, "mqtt.max_inflight", "key has no value");

    [Fact]
    public void Missing_value() =>
        Hocon.Fails("a = 1\nb = ,", 2, 5, "b", "expected a value, got ','");

    [Fact]
    public void Missing_separator_between_fields() =>
        Hocon.Fails("a = 1 b = 2", 1, 9, "a", "expected ',' or a new line after the value, got '='");

    [Fact]
    public void Double_comma_in_object() =>
        Hocon.Fails("a = 1,, b = 2", 1, 7, null, "unexpected ','");

    [Fact]
    public void Leading_comma_in_array() =>
        Hocon.Fails("a = [, 1]", 1, 6, "a", "unexpected ','");

    [Fact]
    public void Double_comma_in_array() =>
        Hocon.Fails("a = [1,,2]", 1, 8, "a", "unexpected ','");

    [Fact]
    public void Unclosed_array() =>
        Hocon.Fails("a = [1, 2\n", 2, 1, "a", "expected ']' to close the array opened at line 1");

    [Fact]
    public void Unclosed_object() =>
        Hocon.Fails("mqtt {\n  a = 1\n", 3, 1, null, "expected '}' to close the object opened at line 1");

    [Fact]
    public void Unbalanced_closing_brace() =>
        Hocon.Fails("a = 1\n}", 2, 1, null, "unbalanced '}'");

    [Fact]
    public void Text_after_the_root_object() =>
        Hocon.Fails("{ a = 1 }\nb = 2", 2, 1, null, "after the '}' that closes the document");

    [Fact]
    public void Array_at_the_root() =>
        Hocon.Fails("[1, 2]", 1, 1, null, "must be an object, not an array");

    [Fact]
    public void Bad_key_token() =>
        Hocon.Fails("a = 1\n= 2", 2, 1, null, "expected a key, got '='");

    [Fact]
    public void Triple_quoted_key() =>
        Hocon.Fails("\"\"\"a\"\"\" = 1", 1, 1, null, "triple-quoted strings are not allowed in keys");

    [Fact]
    public void Include_used_as_a_key() =>
        Hocon.Fails("include = 5", 1, 9, null, "include must be followed by a quoted file name");
}
