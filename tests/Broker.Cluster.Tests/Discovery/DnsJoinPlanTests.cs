using Broker.Cluster.Discovery;

namespace Broker.Cluster.Tests.Discovery;

public sealed class DnsJoinPlanTests
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);
    private static readonly DateTime T0 = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static SeedAddress Node(int last) => SeedAddress.Of($"10.0.0.{last}", 4370);

    private static DnsJoinPlan PlanFor(int self) => new(Node(self), "DNS name broker.test (A records)", Margin);

    private static SeedLookupResult Found(params int[] nodes) => SeedLookupResult.Found(nodes.Select(Node).ToList());

    [Fact]
    public void A_name_that_gives_nothing_joins_nothing_and_says_why()
    {
        var step = PlanFor(1).Next(SeedLookupResult.Nothing("the name server answered: Non-Existent Domain"), T0);

        Assert.Null(step.Join);
        Assert.Equal("DNS name broker.test (A records) names no node yet (the name server answered: Non-Existent Domain); looking again", step.Status);
    }

    [Fact]
    public void A_node_that_is_not_the_first_joins_the_sorted_list_at_once()
    {
        var step = PlanFor(10).Next(Found(10, 9, 11), T0);

        Assert.Equal([Node(9), Node(10), Node(11)], step.Join);
        Assert.Contains("10.0.0.9:4370 forms the cluster", step.Status, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_missing_from_the_answer_joins_the_others_but_never_forms_a_cluster()
    {
        var step = PlanFor(1).Next(Found(3, 2), T0);

        Assert.Equal([Node(2), Node(3)], step.Join);
        Assert.Contains("without this node (10.0.0.1:4370)", step.Status, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_node_joins_only_the_others_until_the_answer_held_for_the_margin_then_forms_the_cluster()
    {
        var plan = PlanFor(1);

        var early = plan.Next(Found(3, 1, 2), T0);
        Assert.Equal([Node(2), Node(3)], early.Join);
        Assert.Equal(Margin, early.LookAgainWithin);

        var still = plan.Next(Found(2, 3, 1), T0 + TimeSpan.FromSeconds(4));
        Assert.Null(still.Join);
        Assert.Equal(TimeSpan.FromSeconds(1), still.LookAgainWithin);

        var formed = plan.Next(Found(1, 2, 3), T0 + Margin);
        Assert.Equal([Node(1), Node(2), Node(3)], formed.Join);
        Assert.Null(formed.LookAgainWithin);
        Assert.Contains("this node is the first; it forms the cluster", formed.Status, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_that_finds_only_itself_forms_a_cluster_of_its_own_after_the_margin()
    {
        var plan = PlanFor(1);

        var early = plan.Next(Found(1), T0);
        Assert.Null(early.Join);
        Assert.Contains("gives only this node (10.0.0.1:4370): it forms a cluster of its own if no other node appears within 5s", early.Status, StringComparison.Ordinal);

        Assert.Equal([Node(1)], plan.Next(Found(1), T0 + Margin).Join);
    }

    [Fact]
    public void A_changed_answer_starts_the_margin_again()
    {
        var plan = PlanFor(1);
        plan.Next(Found(1), T0);

        var changed = plan.Next(Found(1, 2), T0 + TimeSpan.FromSeconds(4));
        Assert.True(changed.Changed);
        Assert.Equal([Node(2)], changed.Join);

        Assert.Null(plan.Next(Found(1, 2), T0 + Margin).Join);
        Assert.Equal([Node(1), Node(2)], plan.Next(Found(2, 1), T0 + TimeSpan.FromSeconds(9)).Join);
    }

    [Fact]
    public void The_same_answer_again_leaves_the_running_join_alone()
    {
        var plan = PlanFor(5);
        Assert.NotNull(plan.Next(Found(4, 5), T0).Join);

        var again = plan.Next(Found(5, 4), T0 + TimeSpan.FromSeconds(1));

        Assert.Null(again.Join);
        Assert.False(again.Changed);
    }

    [Fact]
    public void Nodes_that_find_each_other_agree_on_the_one_that_forms_the_cluster()
    {
        int[] nodes = [12, 3, 7];
        var formers = nodes.Where(self =>
        {
            var plan = PlanFor(self);
            plan.Next(Found(nodes), T0);
            return plan.Next(Found([.. nodes.Reverse()]), T0 + Margin).Join is [var first, ..] && first == Node(self);
        });

        Assert.Equal([3], formers);
    }

    [Fact]
    public void A_rejoining_node_first_in_the_answer_never_forms_a_cluster_and_joins_the_others_and_those_it_saw()
    {
        var plan = new DnsJoinPlan(Node(1), "DNS name broker.test (A records)", Margin, rejoinVia: [Node(4), Node(1)]);

        var steps = new[] { plan.Next(Found(1, 2, 3), T0), plan.Next(Found(1, 2, 3), T0 + Margin), plan.Next(Found(1, 2, 3), T0 + Margin * 3) };

        Assert.Equal([Node(2), Node(3), Node(4)], steps[0].Join);
        Assert.All(steps, step => Assert.DoesNotContain(Node(1), step.Join ?? []));
        Assert.Contains("forms no cluster", steps[2].Status, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejoining_node_that_DNS_no_longer_names_joins_the_members_it_saw()
    {
        var plan = new DnsJoinPlan(Node(1), "DNS name broker.test (A records)", Margin, rejoinVia: [Node(2)]);

        var step = plan.Next(SeedLookupResult.Nothing("the name server answered: Non-Existent Domain"), T0);

        Assert.Equal([Node(2)], step.Join);
    }
}
