using Broker.Transport.Connections;

namespace Broker.Transport.Tests.Connections;

public sealed class IntrusiveListTests
{
    [Fact]
    public void Items_added_at_either_end_come_out_in_order_and_removal_relinks_their_neighbours()
    {
        var list = new IntrusiveList<Item>();
        var (a, b, c, d) = (new Item("a"), new Item("b"), new Item("c"), new Item("d"));
        list.AddLast(b);
        list.AddLast(c);
        list.AddFirst(a);
        list.AddLast(d);
        Assert.Equal("abcd", Names(list));

        Assert.True(list.Remove(b));
        Assert.True(list.Remove(d));
        Assert.Equal("ac", Names(list));
        Assert.Same(c, list.Last);
        Assert.Equal(2, list.Count);

        Assert.True(list.Remove(a));
        Assert.True(list.Remove(c));
        Assert.Null(list.First);
        Assert.Null(list.Last);
        Assert.Equal(0, list.Count);
    }

    [Fact]
    public void Removing_an_item_that_is_not_in_the_list_changes_nothing()
    {
        var list = new IntrusiveList<Item>();
        var (a, b) = (new Item("a"), new Item("b"));
        list.AddLast(a);

        Assert.False(list.Remove(b));
        Assert.True(list.Remove(a));
        Assert.False(list.Remove(a));
        Assert.Equal(0, list.Count);
    }

    private static string Names(IntrusiveList<Item> list)
    {
        var names = "";
        for (var item = list.First; item is not null; item = item.Next)
        {
            names += item.Name;
        }

        return names;
    }

    private sealed class Item(string name) : IIntrusiveNode<Item>
    {
        public string Name { get; } = name;

        public Item? Previous { get; set; }

        public Item? Next { get; set; }
    }
}
