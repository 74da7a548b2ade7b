using Broker.Host.Configuration.Hocon;

namespace Broker.Host.Tests.Configuration.Hocon;

public class HoconPathTests
{
    [Fact]
    public void Dotted_keys_create_nested_objects()
    {
        Assert.Equal("{a:{b:{c:1}}}", Hocon.Render("a.b.c = 1"));
        Assert.Equal("{a:{x:1,y:2}}", Hocon.Render("a.x = 1, a.y = 2"));
    }

    [Fact]
    public void Quoted_key_segments_keep_their_dots()
    {
        var config = Hocon.Parse("\"a.b\".c = 1\nx.\"y.z\" = 2");
        Assert.Equal("{\"a.b\":{c:1},x:{\"y.z\":2}}", Hocon.Render(config.Root));
        Assert.Equal(1, config.GetInt("\"a.b\".c"));
        Assert.Equal(2, config.GetInt("x.\"y.z\""));
    }

    [Fact]
    public void Whitespace_inside_a_key_is_kept() =>
        Assert.Equal("{\"a b c\":42}", Hocon.Render("a b c = 42"));

    [Fact]
    public void Keys_that_look_like_other_types_are_strings()
    {
        var config = Hocon.Parse("true = 1\n3.14 = 2\nnull = 3");
        Assert.Equal(["true", "3", "null"], config.Root.Fields.Keys);
        Assert.Equal(2, config.GetInt("3.14"));
    }

    [Fact]
    public void Parse_splits_on_unquoted_dots_only()
    {
        Assert.Equal(["a", "b.c", "d"], HoconPath.Parse("a.\"b.c\".d"));
        Assert.Equal(["10", "0foo"], HoconPath.Parse("10.0foo"));
        Assert.Equal(["a", ""], HoconPath.Parse("a.\"\""));
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("")]
    [InlineData("a{")]
    [InlineData("a#b")]
    [InlineData("a//b")]
    public void Parse_rejects_malformed_paths(string path) =>
        Assert.Throws<HoconException>(() => HoconPath.Parse(path));

    [Fact]
    public void Render_quotes_segments_that_need_it()
    {
        Assert.Equal("a.\"b.c\".\"\".\"x y\"", HoconPath.Render(["a", "b.c", "", "x y"]));
        Assert.Equal("mqtt.max_packet_size", HoconPath.Render(["mqtt", "max_packet_size"]));
    }

    [Fact]
    public void Empty_path_elements_in_keys_are_errors_naming_the_line() =>
        Hocon.Fails("ok = 1\na..b = 1", 2, 1, null, "empty element in the path expression 'a..b'");

    [Fact]
    public void A_comment_character_inside_a_substitution_is_an_error() =>
        Hocon.Fails("a = 1\nb = ${a#c}", 2, 5, "b", "'#' and '//' are not allowed in the path expression 'a#c'");
}
