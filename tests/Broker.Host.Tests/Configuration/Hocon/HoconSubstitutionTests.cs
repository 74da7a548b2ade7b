namespace Broker.Host.Tests.Configuration.Hocon;

public class HoconSubstitutionTests
{
    [Fact]
    public void Substitutions_resolve_against_the_whole_document_including_later_fields()
    {
        var config = Hocon.Parse("a = ${b.c}\nb { c = 42 }\nd = ${b}");
        Assert.Equal(42, config.GetInt("a"));
        Assert.Equal("{c:42}", Hocon.Render(config.GetObject("d")));
    }

    [Fact]
    public void A_substitution_sees_the_final_merged_value()
    {
        Assert.Equal("{a:2,b:2}", Hocon.Render("a = 1\nb = ${a}\na = 2"));
        Assert.Equal("{bar:{foo:43,baz:43}}", Hocon.Render("bar { foo = 42, baz = ${bar.foo} }\nbar { foo = 43 }"));
    }

    [Fact]
    public void A_lone_substitution_keeps_the_type_of_its_value()
    {
        var config = Hocon.Parse("n = 5\nt = true\nl = [1]\na = ${n}\nb = ${t}\nc = ${l}");
        Assert.Equal("{n:5,t:true,l:[1],a:5,b:true,c:[1]}", Hocon.Render(config.Root));
    }

    [Fact]
    public void Substitutions_concatenate_with_strings()
    {
        var config = Hocon.Parse("host = example.org\nport = 1883\nurl = \"mqtt://\"${host}\":\"${port}/x\ngreeting = hello ${host} ok");
        Assert.Equal("mqtt://example.org:1883/x", config.GetString("url"));
        Assert.Equal("hello example.org ok", config.GetString("greeting"));
    }

    [Fact]
    public void A_null_substitution_concatenates_as_nothing_but_a_literal_null_as_text()
    {
        var config = Hocon.Parse("n = null\na = x${n}y\nb = x null y");
        Assert.Equal("xy", config.GetString("a"));
        Assert.Equal("x null y", config.GetString("b"));
    }

    [Fact]
    public void Arrays_and_objects_concatenate()
    {
        Assert.Equal("{base:[1,2],all:[1,2,3]}", Hocon.Render("base = [1, 2]\nall = ${base} [3]"));
        Assert.Equal("{defaults:{a:1,b:2},x:{a:1,b:3,c:4}}", Hocon.Render("defaults { a = 1, b = 2 }\nx = ${defaults} { b = 3, c = 4 }"));
        Assert.Equal("{x:{a:1,b:2}}", Hocon.Render("x = { a = 1 } { b = 2 }"));
    }

    [Fact]
    public void Object_concatenation_after_a_literal_object_merges_into_the_field()
    {
        Assert.Equal("{d:{b:2},x:{z:0,a:1,b:2}}", Hocon.Render("d { b = 2 }\nx { z = 0 }\nx = { a = 1 } ${d}"));
    }

    [Fact]
    public void Mixing_strings_and_arrays_in_a_concatenation_is_an_error() =>
        Hocon.Fails("l = [1]\nx = foo ${l}", 2, 5, "x", "cannot concatenate a string with an array");

    [Fact]
    public void Missing_required_substitution_names_file_line_and_key() =>
        Hocon.Fails("a = 1\nmqtt {\n  port = ${nope.port}\n}", 3, 10, "mqtt.port", "cannot resolve ${nope.port}");

    [Fact]
    public void Optional_substitution_that_resolves_to_nothing_removes_the_field()
    {
        var config = Hocon.Parse("a = ${?nope}\nb = 1");
        Assert.False(config.HasPath("a"));
        Assert.Null(config.GetValue("a"));
        Assert.Equal("{b:1}", Hocon.Render(config.Root));
    }

    [Fact]
    public void Optional_substitution_that_resolves_to_nothing_keeps_the_earlier_value()
    {
        Assert.Equal(1883, Hocon.Parse("port = 1883\nport = ${?MQTT_PORT}").GetInt("port"));
        Assert.Equal(1884, Hocon.Parse("port = 1883\nport = ${?MQTT_PORT}", new Dictionary<string, string> { ["MQTT_PORT"] = "1884" }).GetInt("port"));
        Assert.Equal("{a:{x:1}}", Hocon.Render("a { x = 1 }\na = ${?nope}"));
    }

    [Fact]
    public void Optional_substitutions_in_arrays_and_concatenations_drop_out()
    {
        Assert.Equal("{a:[1,3]}", Hocon.Render("a = [1, ${?nope}, 3]"));
        Assert.Equal("{a:\"foo\"}", Hocon.Render("a = ${?nope}foo"));
    }

    [Fact]
    public void Unresolved_fields_under_a_later_object_still_merge()
    {
        var config = Hocon.Parse("a { x = 1 }\na = ${?nope}\na { y = ${a.x} }");
        Assert.Equal("{a:{x:1,y:1}}", Hocon.Render(config.Root));
    }

    [Fact]
    public void Environment_is_the_fallback_when_the_path_is_not_in_the_document()
    {
        var environment = new Dictionary<string, string> { ["BROKER_NODE_NAME"] = "n1@10.0.0.1", ["HOME"] = "/home/broker" };
        var config = Hocon.Parse("node.name = \"broker@127.0.0.1\"\nnode.name = ${?BROKER_NODE_NAME}\ndir = ${HOME}/data", environment);
        Assert.Equal("n1@10.0.0.1", config.GetString("node.name"));
        Assert.Equal("/home/broker/data", config.GetString("dir"));
    }

    [Fact]
    public void The_document_wins_over_the_environment_and_null_blocks_it()
    {
        var environment = new Dictionary<string, string> { ["HOME"] = "/env" };
        Assert.Equal("/doc", Hocon.Parse("HOME = /doc\nx = ${HOME}", environment).GetString("x"));
        Assert.Equal("{HOME:null,x:null}", Hocon.Render("HOME = null\nx = ${?HOME}", environment));
    }

    [Fact]
    public void Empty_environment_variables_count_as_unset()
    {
        var environment = new Dictionary<string, string> { ["PORT"] = "" };
        Assert.Equal(1883, Hocon.Parse("port = 1883\nport = ${?PORT}", environment).GetInt("port"));
    }

    [Fact]
    public void Environment_values_are_strings_that_convert_on_read()
    {
        var environment = new Dictionary<string, string> { ["P"] = "1884", ["T"] = "yes", ["S"] = "64KB" };
        var config = Hocon.Parse("p = ${P}\nt = ${T}\ns = ${S}", environment);
        Assert.Equal(1884, config.GetInt("p"));
        Assert.True(config.GetBool("t"));
        Assert.Equal(65536, config.GetBytes("s"));
    }

    [Fact]
    public void Self_referential_substitution_sees_the_earlier_value()
    {
        Assert.Equal("/bin:/usr/bin", Hocon.Parse("path = /bin\npath = ${path}\":/usr/bin\"").GetString("path"));
        Assert.Equal("a :more :more", Hocon.Parse("path = a\npath = ${path} \":more\"\npath = ${path} \":more\"").GetString("path"));
        Assert.Equal("{foo:{a:1,b:2}}", Hocon.Render("foo { a = 1 }\nfoo = ${foo} { b = 2 }"));
        Assert.Equal("{a:[1,2]}", Hocon.Render("a = [1]\na = ${a} [2]"));
    }

    [Fact]
    public void Self_reference_inside_an_object_field_uses_the_earlier_field_value()
    {
        Assert.Equal("{foo:{a:\"1 2\"}}", Hocon.Render("foo { a = 1 }\nfoo { a = ${foo.a} 2 }"));
        Assert.Equal("{foo:{a:2,c:1}}", Hocon.Render("foo { a { c = 1 } }\nfoo = ${foo.a}\nfoo { a = 2 }"));
    }

    [Fact]
    public void Self_reference_through_a_pending_merge_sees_the_earlier_definitions()
    {
        var config = Hocon.Parse("a { x = 1 }\na = ${?nope}\na { x = ${a.x} 2 }\na { y = 3 }");
        Assert.Equal("{a:{x:\"1 2\",y:3}}", Hocon.Render(config.Root));
    }

    [Fact]
    public void Append_and_self_reference_combine()
    {
        var config = Hocon.Parse("list = [a]\nlist += b\nlist = ${list} [c]");
        Assert.Equal(["a", "b", "c"], config.GetStringList("list"));
    }

    [Fact]
    public void Self_reference_still_sees_later_redefinitions_of_other_fields()
    {
        var config = Hocon.Parse("x = 1\nfoo = a\nfoo = ${foo}${x}\nx = 2");
        Assert.Equal("a2", config.GetString("foo"));
    }

    [Fact]
    public void Self_reference_without_an_earlier_value_falls_back_to_the_environment()
    {
        var environment = new Dictionary<string, string> { ["PATH"] = "/bin" };
        Assert.Equal("/bin:/opt", Hocon.Parse("PATH = ${PATH}\":/opt\"", environment).GetString("PATH"));
        Assert.Equal(":/opt", Hocon.Parse("PATH = ${?PATH}\":/opt\"").GetString("PATH"));
    }

    [Fact]
    public void Self_reference_without_an_earlier_value_is_an_error() =>
        Hocon.Fails("a = 1\nfoo = ${foo}", 2, 7, "foo", "refers to the field's own earlier value, but the field has none");

    [Fact]
    public void Substitution_cycles_are_errors_naming_the_chain()
    {
        var error = Hocon.Fails("a = ${b}\nb = ${c}\nc = ${a}", 1, 5, "a", "substitution cycle: ${b} -> ${c} -> ${a} -> ${b}");
        Assert.Contains("test.conf:1:5: a: substitution cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_object_containing_a_substitution_of_itself_is_a_cycle() =>
        Hocon.Fails("a { b = ${a} }", 1, 9, "a.b", "substitution cycle");

    [Fact]
    public void An_array_containing_a_substitution_of_itself_is_a_cycle() =>
        Hocon.Fails("a = [${a}]", 1, 6, "a[0]", "substitution cycle");

    [Fact]
    public void Quoted_paths_work_in_substitutions()
    {
        var config = Hocon.Parse("\"a.b\" { c = 1 }\nx = ${\"a.b\".c}\ny = ${ \"a.b\".c }");
        Assert.Equal(1, config.GetInt("x"));
        Assert.Equal(1, config.GetInt("y"));
    }

    [Fact]
    public void Substitutions_are_not_expanded_inside_quotes() =>
        Assert.Equal("${a}", Hocon.Parse("a = 1\nb = \"${a}\"").GetString("b"));

    [Fact]
    public void Substitutions_in_keys_are_errors() =>
        Hocon.Fails("a = 1\n${a} = 2", 2, 1, null, "substitutions are not allowed in keys");

    [Fact]
    public void Process_environment_is_used_when_no_lookup_is_given()
    {
        // PATH is set in every environment the tests run in; read-only use of the real environment.
        var config = Broker.Host.Configuration.Hocon.HoconConfig.ParseString("p = ${PATH}");
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), config.GetString("p"));
    }
}
