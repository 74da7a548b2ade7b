namespace Broker.Host.Tests.Configuration.Hocon;

public class HoconMergeTests
{
    [Fact]
    public void Duplicate_objects_merge_and_later_simple_values_win()
    {
        Assert.Equal("{foo:{a:42,b:43}}", Hocon.Render("foo { a = 42 }\nfoo { b = 43 }"));
        Assert.Equal("{foo:{a:1,b:2}}", Hocon.Render("foo { a = 0, b = 2 }\nfoo.a = 1"));
        Assert.Equal("{a:2}", Hocon.Render("a = 1\na = 2"));
    }

    [Fact]
    public void Merging_is_recursive() =>
        Assert.Equal("{a:{b:{x:1,y:2},c:3}}", Hocon.Render("a { b { x = 1 } }\na { b { y = 2 }, c = 3 }"));

    [Fact]
    public void A_non_object_in_between_prevents_the_merge()
    {
        Assert.Equal("{foo:{b:43}}", Hocon.Render("foo { a = 42 }\nfoo = null\nfoo { b = 43 }"));
        Assert.Equal("{foo:1}", Hocon.Render("foo { a = 42 }\nfoo = 1"));
        Assert.Equal("{foo:{b:1}}", Hocon.Render("foo = 1\nfoo.b = 1"));
    }

    [Fact]
    public void Arrays_are_replaced_not_merged() =>
        Assert.Equal("{a:[3]}", Hocon.Render("a = [1, 2]\na = [3]"));

    [Fact]
    public void Plus_equals_appends_to_an_array()
    {
        Assert.Equal("{a:[1,2,3]}", Hocon.Render("a = [1, 2]\na += 3"));
        Assert.Equal("{a:[1,2]}", Hocon.Render("a += 1\na += 2"));
        Assert.Equal("{a:[1,[2]]}", Hocon.Render("a = [1]\na += [2]"));
        Assert.Equal("{x:{a:[\"p\",\"q\"]}}", Hocon.Render("x { a = [p] }\nx { a += q }"));
    }

    [Fact]
    public void Plus_equals_onto_a_non_array_is_an_error() =>
        Hocon.Fails("a = foo\na += bar", 2, 6, "a", "cannot concatenate");

    [Fact]
    public void Field_order_is_the_order_of_first_definition() =>
        Assert.Equal("{b:{y:1,x:3},a:2}", Hocon.Render("b.y = 1\na = 2\nb.x = 3"));
}
