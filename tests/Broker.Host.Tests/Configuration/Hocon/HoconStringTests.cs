namespace Broker.Host.Tests.Configuration.Hocon;

public class HoconStringTests
{
    [Fact]
    public void Quoted_strings_support_json_escapes()
    {
        var config = Hocon.Parse("""a = "tab\there\nquote\" backslash\\ slash\/ \u00e9\u0041 \b\f\r" """);
        Assert.Equal("tab\there\nquote\" backslash\\ slash/ \u00e9A \b\f\r", config.GetString("a"));
    }

    [Fact]
    public void Triple_quoted_strings_span_lines_without_escapes()
    {
        var config = Hocon.Parse("a = \"\"\"line one\n  \"quoted\" \\n stays\nline three\"\"\"\nb = 1");
        Assert.Equal("line one\n  \"quoted\" \\n stays\nline three", config.GetString("a"));
        Assert.Equal(1, config.GetInt("b"));
    }

    [Fact]
    public void Extra_quotes_before_the_closing_triple_quote_belong_to_the_string() =>
        Assert.Equal("\"x\"", Hocon.Parse("a = \"\"\"\"x\"\"\"\"").GetString("a"));

    [Fact]
    public void Unquoted_strings_keep_their_text()
    {
        var config = Hocon.Parse("a = /mqtt\nb = info\nc = data/dir-1_x.y\nd = 1e+5");
        Assert.Equal("/mqtt", config.GetString("a"));
        Assert.Equal("info", config.GetString("b"));
        Assert.Equal("data/dir-1_x.y", config.GetString("c"));
        Assert.Equal("1e+5", config.GetString("d"));
    }

    [Fact]
    public void Simple_values_on_one_line_concatenate_keeping_inner_whitespace()
    {
        var config = Hocon.Parse("a = foo bar\nb =   foo    bar   \nc = \"foo\" \"bar\"\nd = foo\"bar\"baz\ne = 10 seconds\nf = true or null");
        Assert.Equal("foo bar", config.GetString("a"));
        Assert.Equal("foo    bar", config.GetString("b"));
        Assert.Equal("foo bar", config.GetString("c"));
        Assert.Equal("foobarbaz", config.GetString("d"));
        Assert.Equal("10 seconds", config.GetString("e"));
        Assert.Equal("true or null", config.GetString("f"));
    }

    [Fact]
    public void A_concatenation_is_a_string_even_when_it_looks_like_a_number()
    {
        var value = Assert.IsType<Broker.Host.Configuration.Hocon.HoconScalar>(Hocon.Parse("a = 1 2").GetValue("a"));
        Assert.Equal(Broker.Host.Configuration.Hocon.HoconScalarKind.String, value.Kind);
        Assert.Equal("1 2", value.Text);
    }

    [Fact]
    public void Numbers_keep_the_text_they_were_written_with() =>
        Assert.Equal("1.50", Hocon.Parse("a = 1.50").GetString("a"));
}
