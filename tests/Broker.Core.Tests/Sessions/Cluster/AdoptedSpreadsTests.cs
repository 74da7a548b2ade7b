using Broker.Core.Sessions;

namespace Broker.Core.Tests.Sessions.Cluster;

public class AdoptedSpreadsTests
{
    private static SessionAdopted Adopted(string clientId, params string[] filters) => new(clientId, filters);

    [Fact]
    public void A_session_adopted_while_none_spreads_is_spread_at_once_alone()
    {
        var spreads = new AdoptedSpreads();

        var batch = spreads.Add(Adopted("a", "t/a"));

        Assert.NotNull(batch);
        Assert.Equal(["a"], batch.Sessions.Select(s => s.ClientId));
        Assert.Equal(1, batch.Attempt);
    }

    [Fact]
    public void Sessions_adopted_while_a_spread_runs_wait_and_go_together_in_the_next()
    {
        var spreads = new AdoptedSpreads();
        var first = spreads.Add(Adopted("a", "t/a"))!;

        Assert.Null(spreads.Add(Adopted("b", "t/b")));
        Assert.Null(spreads.Add(Adopted("c", "t/c", "t/shared")));
        var (settled, next) = spreads.Done(first, spread: true);

        Assert.Equal(["a"], settled.Select(s => s.ClientId));
        Assert.NotNull(next);
        Assert.Equal(["b", "c"], next.Sessions.Select(s => s.ClientId));
        Assert.Equal(["t/b", "t/c", "t/shared"], next.Filters);
    }

    [Fact]
    public void Once_nothing_waits_the_next_session_is_spread_at_once_again()
    {
        var spreads = new AdoptedSpreads();
        var first = spreads.Add(Adopted("a", "t/a"))!;

        var (_, next) = spreads.Done(first, spread: true);

        Assert.Null(next);
        Assert.NotNull(spreads.Add(Adopted("b", "t/b")));
    }

    [Fact]
    public void A_filter_shared_by_sessions_of_a_batch_is_spread_once()
    {
        var batch = new SpreadBatch([Adopted("a", "x/#", "y"), Adopted("b", "y", "x/#")], Attempt: 1);

        Assert.Equal(["x/#", "y"], batch.Filters);
    }

    [Fact]
    public void A_spread_that_did_not_reach_every_node_is_tried_again_with_the_sessions_that_came_meanwhile()
    {
        var spreads = new AdoptedSpreads();
        var first = spreads.Add(Adopted("a", "t/a"))!;
        spreads.Add(Adopted("b", "t/b"));

        var (settled, next) = spreads.Done(first, spread: false);

        Assert.Empty(settled);
        Assert.NotNull(next);
        Assert.Equal(["a", "b"], next.Sessions.Select(s => s.ClientId));
        Assert.Equal(2, next.Attempt);
    }

    [Fact]
    public void After_the_last_attempt_the_batch_is_settled_and_the_sessions_that_came_meanwhile_start_afresh()
    {
        var spreads = new AdoptedSpreads();
        var batch = spreads.Add(Adopted("a", "t/a"))!;
        for (var attempt = 1; attempt < AdoptedSpreads.MaxAttempts; attempt++)
        {
            batch = spreads.Done(batch, spread: false).Next!;
        }

        spreads.Add(Adopted("late", "t/late"));
        var (settled, next) = spreads.Done(batch, spread: false);

        Assert.Equal(AdoptedSpreads.MaxAttempts, batch.Attempt);
        Assert.Equal(["a"], settled.Select(s => s.ClientId));
        Assert.NotNull(next);
        Assert.Equal(["late"], next.Sessions.Select(s => s.ClientId));
        Assert.Equal(1, next.Attempt);
    }
}
