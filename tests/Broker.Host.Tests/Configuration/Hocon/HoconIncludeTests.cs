using Broker.Host.Configuration.Hocon;

namespace Broker.Host.Tests.Configuration.Hocon;

public sealed class HoconIncludeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private HoconConfig Load(string main, IReadOnlyDictionary<string, string>? environment = null) =>
        HoconConfig.ParseFile(_dir.Write("main.conf", main), Hocon.Lookup(environment), "conf/main.conf");

    [Fact]
    public void Included_fields_are_applied_in_place_and_later_fields_override_them()
    {
        _dir.Write("base.conf", "a = 1\nb = 1\nobj { x = 1 }");
        var config = Load("b = 0\ninclude \"base.conf\"\na = 2\nobj { y = 2 }");
        Assert.Equal("{b:1,a:2,obj:{x:1,y:2}}", Hocon.Render(config.Root));
    }

    [Fact]
    public void Includes_are_relative_to_the_including_file_not_the_working_directory()
    {
        _dir.Write("sub/inner.conf", "include \"deeper/leaf.conf\"\ninner = 1");
        _dir.Write("sub/deeper/leaf.conf", "leaf = 1");
        var config = Load("include \"sub/inner.conf\"");
        Assert.Equal("{leaf:1,inner:1}", Hocon.Render(config.Root));
    }

    [Fact]
    public void File_and_required_forms_are_accepted()
    {
        _dir.Write("a.conf", "a = 1");
        _dir.Write("b.conf", "b = 2");
        _dir.Write("c.conf", "c = 3");
        var config = Load("include file(\"a.conf\")\ninclude required(\"b.conf\")\ninclude required( file( \"c.conf\" ) )");
        Assert.Equal("{a:1,b:2,c:3}", Hocon.Render(config.Root));
    }

    [Fact]
    public void A_missing_plain_include_is_ignored()
    {
        var config = Load("include \"nope.conf\"\ninclude file(\"nope.conf\")\na = 1");
        Assert.Equal("{a:1}", Hocon.Render(config.Root));
    }

    [Fact]
    public void A_missing_required_include_is_an_error_naming_the_including_file_and_line()
    {
        var error = Assert.Throws<HoconException>(() => Load("a = 1\ninclude required(\"nope.conf\")"));
        Assert.StartsWith("conf/main.conf:2:18: required include \"nope.conf\" not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_inside_an_object_nests_the_fields_and_fixes_up_substitutions()
    {
        _dir.Write("foo.conf", "x = 10\ny = ${x}");
        Assert.Equal("{a:{x:10,y:10}}", Hocon.Render(Load("a { include \"foo.conf\" }").Root));
        Assert.Equal("{a:{x:42,y:42}}", Hocon.Render(Load("a { include \"foo.conf\" }\na { x = 42 }").Root));
    }

    [Fact]
    public void Environment_fallback_in_an_included_file_uses_the_name_as_written()
    {
        _dir.Write("node.conf", "name = ${?NODE_NAME}");
        var config = Load("node { include \"node.conf\" }", new Dictionary<string, string> { ["NODE_NAME"] = "n1" });
        Assert.Equal("n1", config.GetString("node.name"));
    }

    [Fact]
    public void Substitutions_resolve_across_files()
    {
        _dir.Write("limits.conf", "max = ${default_max}");
        Assert.Equal(7, Load("default_max = 7\ninclude \"limits.conf\"").GetInt("max"));
    }

    [Fact]
    public void A_name_without_extension_tries_conf()
    {
        _dir.Write("extra.conf", "a = 1");
        Assert.Equal(1, Load("include \"extra\"").GetInt("a"));
    }

    [Fact]
    public void An_include_cycle_is_an_error_naming_the_chain()
    {
        _dir.Write("a.conf", "include \"b.conf\"");
        _dir.Write("b.conf", "x = 1\ninclude \"a.conf\"");
        var error = Assert.Throws<HoconException>(() => Load("include \"a.conf\""));
        Assert.StartsWith("conf/b.conf:2:9: include cycle: conf/main.conf -> conf/a.conf -> conf/b.conf -> conf/a.conf", error.Message.Replace('\\', '/'), StringComparison.Ordinal);
    }

    [Fact]
    public void Including_oneself_is_a_cycle()
    {
        var error = Assert.Throws<HoconException>(() => Load("include \"main.conf\""));
        Assert.Contains("include cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_file_may_be_included_twice_without_being_a_cycle()
    {
        _dir.Write("x.conf", "n = 1");
        Assert.Equal("{a:{n:1},b:{n:1}}", Hocon.Render(Load("a { include \"x.conf\" }\nb { include \"x.conf\" }").Root));
    }

    [Fact]
    public void Errors_in_an_included_file_name_that_file()
    {
        _dir.Write("bad.conf", "ok = 1\n\nbroken = [1, 2");
        var error = Assert.Throws<HoconException>(() => Load("include \"bad.conf\""));
        Assert.StartsWith("conf/bad.conf:3:15: broken: expected ']'", error.Message.Replace('\\', '/'), StringComparison.Ordinal);
    }

    [Fact]
    public void An_included_array_is_an_error()
    {
        _dir.Write("array.conf", "[1, 2]");
        var error = Assert.Throws<HoconException>(() => Load("include \"array.conf\""));
        Assert.Contains("must be an object", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("include url(\"http://x/a.conf\")", "is not supported")]
    [InlineData("include classpath(\"a.conf\")", "is not supported")]
    [InlineData("include nope", "include must be followed by a quoted file name")]
    [InlineData("include required(\"a.conf\"", "expected ) after the included file name")]
    public void Malformed_includes_are_errors(string text, string fragment)
    {
        var error = Assert.Throws<HoconException>(() => Load(text));
        Assert.StartsWith("conf/main.conf:1:", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quoted_include_key_is_an_ordinary_key() =>
        Assert.Equal("{include:1,\"foo include\":2}", Hocon.Render(Load("\"include\" = 1\nfoo include = 2").Root));

    [Fact]
    public void ParseString_resolves_includes_relative_to_the_pseudo_file_name()
    {
        _dir.Write("x.conf", "n = 1");
        var config = HoconConfig.ParseString("include \"x.conf\"", Path.Combine(_dir.Path, "inline.conf"), _ => null);
        Assert.Equal(1, config.GetInt("n"));
    }

    [Fact]
    public void A_missing_root_file_is_an_error_naming_it()
    {
        var error = Assert.Throws<HoconException>(() => HoconConfig.ParseFile(Path.Combine(_dir.Path, "none.conf"), _ => null, "hocon/none.conf"));
        Assert.Equal("hocon/none.conf: file not found", error.Message);
    }
}
