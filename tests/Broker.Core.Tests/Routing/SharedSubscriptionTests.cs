using Broker.Core.Messaging;
using Broker.Core.Routing;

namespace Broker.Core.Tests.Routing;

/// <summary>Shared subscriptions (4.8.2): one member per group per message, chosen by the strategy.</summary>
public sealed class SharedSubscriptionTests
{
    [Fact]
    public void Each_message_reaches_one_member_of_each_group_and_every_plain_subscriber()
    {
        var f = new RouterFixture();
        var g1 = new[] { f.Subscribe("a1", "$share/g1/t/+"), f.Subscribe("a2", "$share/g1/t/+") };
        var g2 = new[] { f.Subscribe("b1", "$share/g2/t/#"), f.Subscribe("b2", "$share/g2/t/#"), f.Subscribe("b3", "$share/g2/t/#") };
        var plain = f.Subscribe("p", "t/x");

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(3, f.Dispatcher.Dispatch(f.Message("t/x")));
        }

        Assert.Equal(10, g1.Sum(s => s.Delivered.Count));
        Assert.Equal(10, g2.Sum(s => s.Delivered.Count));
        Assert.Equal(10, plain.Delivered.Count);
        Assert.All(g1.SelectMany(s => s.Delivered), d => Assert.Equal(("g1", "$share/g1/t/+"), (d.ShareGroup, d.Filter)));
    }

    [Fact]
    public void Queue_prefix_is_one_group_named_dollar_queue()
    {
        var f = new RouterFixture();
        var members = new[] { f.Subscribe("q1", "$queue/jobs"), f.Subscribe("q2", "$queue/jobs") };

        Assert.Equal(1, f.Dispatcher.Dispatch(f.Message("jobs")));

        var delivered = Assert.Single(members.SelectMany(m => m.Delivered));
        Assert.Equal(("$queue", "$queue/jobs"), (delivered.ShareGroup, delivered.Filter));
    }

    [Fact]
    public void One_client_in_two_groups_and_plain_has_three_subscriptions()
    {
        var f = new RouterFixture();
        var session = new RecordingSession("c1");

        Assert.True(f.Routes.Subscribe("c1", session, "$share/g1/t", RouterFixture.QoS1, 1));
        Assert.True(f.Routes.Subscribe("c1", session, "$share/g2/t", RouterFixture.QoS1, 2));
        Assert.True(f.Routes.Subscribe("c1", session, "t", RouterFixture.QoS1, 3));
        Assert.False(f.Routes.Subscribe("c1", session, "$share/g1/t", RouterFixture.QoS1, 4));

        Assert.Equal(3, f.Dispatcher.Dispatch(f.Message("t")));
        Assert.Equal([2, 3, 4], session.Delivered.Select(d => Assert.Single(d.Matches).SubscriptionId).Order());

        Assert.True(f.Routes.Unsubscribe("c1", "$share/g1/t"));
        Assert.Equal(2, f.Dispatcher.Dispatch(f.Message("t")));
    }

    [Fact]
    public void Random_spreads_messages_over_all_members()
    {
        var f = new RouterFixture(SharedSubscriptionStrategy.Random);
        var members = Enumerable.Range(0, 4).Select(i => f.Subscribe($"m{i}", "$share/g/t")).ToArray();

        for (var i = 0; i < 400; i++)
        {
            f.Dispatcher.Dispatch(f.Message("t"));
        }

        Assert.All(members, m => Assert.InRange(m.Delivered.Count, 50, 150));
    }

    [Fact]
    public void Round_robin_takes_members_in_turn()
    {
        var f = new RouterFixture(SharedSubscriptionStrategy.RoundRobin);
        var members = Enumerable.Range(0, 3).Select(i => f.Subscribe($"m{i}", "$share/g/t")).ToArray();

        for (var i = 0; i < 9; i++)
        {
            f.Dispatcher.Dispatch(f.Message("t"));
        }

        Assert.All(members, m => Assert.Equal(3, m.Delivered.Count));
    }

    [Fact]
    public void Sticky_keeps_one_member_until_it_leaves()
    {
        var f = new RouterFixture(SharedSubscriptionStrategy.Sticky);
        var members = Enumerable.Range(0, 3).Select(i => f.Subscribe($"m{i}", "$share/g/t")).ToArray();

        for (var i = 0; i < 10; i++)
        {
            f.Dispatcher.Dispatch(f.Message("t"));
        }

        var chosen = Assert.Single(members, m => m.Delivered.Count > 0);
        Assert.Equal(10, chosen.Delivered.Count);

        f.Routes.Unsubscribe(chosen.Path.Name, "$share/g/t");
        for (var i = 0; i < 10; i++)
        {
            f.Dispatcher.Dispatch(f.Message("t"));
        }

        var next = Assert.Single(members, m => m != chosen && m.Delivered.Count > 0);
        Assert.Equal(10, next.Delivered.Count);
        Assert.Equal(10, chosen.Delivered.Count);
    }

    [Fact]
    public void Hash_client_id_sends_one_publisher_to_one_member_while_the_group_is_unchanged()
    {
        var f = new RouterFixture(SharedSubscriptionStrategy.HashClientId);
        var members = Enumerable.Range(0, 4).Select(i => f.Subscribe($"m{i}", "$share/g/t")).ToArray();

        for (var p = 0; p < 20; p++)
        {
            for (var i = 0; i < 5; i++)
            {
                f.Dispatcher.Dispatch(f.Message("t", publisher: $"publisher-{p}"));
            }
        }

        // Every publisher's five messages went to one member, and the twenty publishers used more than one.
        var byPublisher = members.SelectMany(m => m.Delivered.Select(d => (d.Message.PublisherId, Member: m)))
            .GroupBy(x => x.PublisherId)
            .ToList();
        Assert.Equal(20, byPublisher.Count);
        Assert.All(byPublisher, g => Assert.Single(g.Select(x => x.Member).Distinct()));
        Assert.True(members.Count(m => m.Delivered.Count > 0) > 1);
    }

    [Fact]
    public void Hash_of_a_client_id_is_the_same_in_every_process()
    {
        // FNV-1a 32-bit reference values: the hash must not depend on the process's string hash seed.
        Assert.Equal(2166136261u, StableHash.Of(""));
        Assert.Equal(0xE40C292Cu, StableHash.Of("a"));
    }

    [Fact]
    public void Redispatch_gives_the_message_to_another_member()
    {
        var f = new RouterFixture(SharedSubscriptionStrategy.Sticky);
        var a = f.Subscribe("a", "$share/g/t");
        var b = f.Subscribe("b", "$share/g/t");
        var message = f.Message("t");

        for (var i = 0; i < 10; i++)
        {
            Assert.True(f.Dispatcher.Redispatch("g", "$share/g/t", message, excludeClientId: "a"));
            Assert.True(f.Dispatcher.Redispatch("g", "t", message, excludeClientId: "b"));
        }

        Assert.Equal(10, a.Delivered.Count);
        Assert.Equal(10, b.Delivered.Count);
        Assert.All(a.Delivered, d => Assert.Equal("g", d.ShareGroup));
    }

    [Fact]
    public void Redispatch_is_false_when_no_other_member_is_left()
    {
        var f = new RouterFixture();
        var only = f.Subscribe("a", "$share/g/t");

        Assert.False(f.Dispatcher.Redispatch("g", "t", f.Message("t"), excludeClientId: "a"));
        Assert.False(f.Dispatcher.Redispatch("other", "t", f.Message("t"), excludeClientId: "a"));
        Assert.False(f.Dispatcher.Redispatch("g", "u", f.Message("t"), excludeClientId: "a"));
        Assert.Empty(only.Delivered);
    }

    [Fact]
    public void Last_member_leaving_removes_the_group_and_the_route()
    {
        var f = new RouterFixture();
        f.Subscribe("a", "$share/g/t");

        Assert.True(f.Routes.Unsubscribe("a", "$share/g/t"));
        Assert.False(f.Routes.Unsubscribe("a", "$share/g/t"));
        Assert.Null(f.Routes.FindSubscription("a", "$share/g/t"));
        Assert.Equal(0, f.Routes.Nodes.FilterCount);
    }
}
