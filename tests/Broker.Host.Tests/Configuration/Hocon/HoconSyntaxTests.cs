namespace Broker.Host.Tests.Configuration.Hocon;

public class HoconSyntaxTests
{
    [Fact]
    public void Root_braces_are_optional()
    {
        Assert.Equal("{a:1,b:2}", Hocon.Render("{ a = 1, b = 2 }"));
        Assert.Equal("{a:1,b:2}", Hocon.Render("a = 1\nb = 2"));
    }

    [Fact]
    public void Empty_document_is_an_empty_object()
    {
        Assert.Equal("{}", Hocon.Render(""));
        Assert.Equal("{}", Hocon.Render("  \n# only a comment\n"));
        Assert.Equal("{}", Hocon.Render("{}"));
    }

    [Theory]
    [InlineData("a = 1")]
    [InlineData("a : 1")]
    [InlineData("a=1")]
    [InlineData("\"a\" : 1")]
    public void Equals_and_colon_both_separate_key_and_value(string text) =>
        Assert.Equal("{a:1}", Hocon.Render(text));

    [Fact]
    public void Separator_may_be_omitted_before_an_object()
    {
        Assert.Equal("{a:{b:1}}", Hocon.Render("a { b = 1 }"));
        Assert.Equal("{a:{b:1}}", Hocon.Render("a{b=1}"));
        Assert.Equal("{a:{b:1}}", Hocon.Render("a = { b = 1 }"));
    }

    [Fact]
    public void Value_may_start_on_the_line_after_the_separator() =>
        Assert.Equal("{a:1}", Hocon.Render("a =\n  1"));

    [Fact]
    public void Fields_are_separated_by_commas_or_newlines_with_one_trailing_comma_allowed()
    {
        Assert.Equal("{a:1,b:2,c:3}", Hocon.Render("a = 1, b = 2\nc = 3,"));
        Assert.Equal("{a:{x:1,y:2}}", Hocon.Render("a { x = 1, y = 2, }"));
    }

    [Fact]
    public void Hash_and_double_slash_start_comments_outside_quotes()
    {
        var config = Hocon.Parse("""
            # a comment
            a = 1 # trailing
            b = 2 // trailing too
            // c = 3
            d = "not # a comment // at all"
            e = a/b // a single slash is text; two start a comment
            """);
        Assert.Equal("{a:1,b:2,d:\"not # a comment // at all\",e:\"a/b\"}", Hocon.Render(config.Root));
    }

    [Fact]
    public void Arrays_accept_commas_newlines_and_one_trailing_comma()
    {
        Assert.Equal("{a:[1,2,3]}", Hocon.Render("a = [1, 2, 3]"));
        Assert.Equal("{a:[1,2,3]}", Hocon.Render("a = [\n  1\n  2\n  3\n]"));
        Assert.Equal("{a:[1,2,3]}", Hocon.Render("a = [1, 2, 3,]"));
        Assert.Equal("{a:[1,2,3]}", Hocon.Render("a = [\n  1,\n  2,\n  3,\n]"));
        Assert.Equal("{a:[]}", Hocon.Render("a = []"));
        Assert.Equal("{a:[[1],{b:2}]}", Hocon.Render("a = [[1], { b = 2 }]"));
    }

    [Fact]
    public void Numbers_booleans_and_null_are_typed_when_they_stand_alone()
    {
        var config = Hocon.Parse("i = 42\nn = -1.5e3\nt = true\nf = false\nz = null\ns = 42x\nip = 0.0.0.0");
        Assert.Equal("{i:42,n:-1.5e3,t:true,f:false,z:null,s:\"42x\",ip:\"0.0.0.0\"}", Hocon.Render(config.Root));
    }

    [Fact]
    public void Json_is_valid_hocon() =>
        Assert.Equal(
            "{name:\"broker\",ports:[1883,8883],tls:{enabled:false,cert:null}}",
            Hocon.Render("""{ "name": "broker", "ports": [1883, 8883], "tls": { "enabled": false, "cert": null } }"""));

    [Fact]
    public void Crlf_line_endings_work() =>
        Assert.Equal("{a:1,b:{c:\"x\"}}", Hocon.Render("a = 1\r\nb {\r\n  c = x\r\n}\r\n"));

    [Fact]
    public void Keys_are_case_sensitive() =>
        Assert.Equal("{a:1,A:2}", Hocon.Render("a = 1\nA = 2"));
}
