using Broker.Core.Routing;

namespace Broker.Core.Tests.Routing;

/// <summary>
/// Publishers match while other threads subscribe and unsubscribe: a stable set of subscriptions,
/// never touched during the run, must be matched exactly every time, and nothing may throw.
/// </summary>
public sealed class RouteTableConcurrencyTests
{
    [Fact]
    public async Task Publishing_during_subscribe_and_unsubscribe_always_reaches_the_stable_subscribers()
    {
        var f = new RouterFixture();
        var stable = new RecordingSession("stable");
        string[] stableFilters = ["s/+/x", "s/#", "s/k3/x", "+/k3/x"];
        foreach (var filter in stableFilters)
        {
            f.Routes.Subscribe("stable", stable, filter, RouterFixture.QoS1, 0);
        }

        using var stop = new CancellationTokenSource();
        var churn = Enumerable.Range(0, 2).Select(t => Task.Run(() =>
        {
            var session = new RecordingSession($"churn{t}");
            var rounds = 0;
            while (!stop.IsCancellationRequested || rounds < 50)
            {
                // Filters around the stable ones: siblings grow nodes past the small-array limit and prune them again.
                for (var i = 0; i < 20; i++)
                {
                    f.Routes.Subscribe($"c{t}-{i}", session, $"s/k{i}/x", RouterFixture.QoS1, 0);
                    f.Routes.Subscribe($"c{t}-{i}", session, $"s/k{i}/+/#", RouterFixture.QoS1, 0);
                    f.Routes.Subscribe($"c{t}-{i}", session, $"$share/g/s/k{i}/x", RouterFixture.QoS1, 0);
                }

                for (var i = 0; i < 20; i++)
                {
                    f.Routes.Unsubscribe($"c{t}-{i}", $"s/k{i}/x");
                    f.Routes.Unsubscribe($"c{t}-{i}", $"s/k{i}/+/#");
                    f.Routes.Unsubscribe($"c{t}-{i}", $"$share/g/s/k{i}/x");
                }

                rounds++;
            }

            return rounds;
        })).ToArray();

        var publisher = Task.Run(() =>
        {
            var wrong = 0;
            for (var i = 0; i < 20_000; i++)
            {
                stable.Clear();
                f.Dispatcher.Dispatch(f.Message("s/k3/x"));
                // One copy for all four overlapping filters [MQTT-3.3.4-2], carrying each of them.
                if (stable.Delivered is not [{ Matches.Length: var matched }] || matched != stableFilters.Length)
                {
                    wrong++;
                }
            }

            return wrong;
        });

        var wrongCounts = await publisher;
        stop.Cancel();
        var rounds = await Task.WhenAll(churn);

        Assert.Equal(0, wrongCounts);
        Assert.All(rounds, r => Assert.True(r >= 50));

        // Everything the churn added is gone again, down to the trie nodes.
        foreach (var filter in stableFilters)
        {
            f.Routes.Unsubscribe("stable", filter);
        }

        Assert.Equal(0, f.Routes.Nodes.RouteCount);
        Assert.True(f.Routes.Nodes.IsPruned);
    }
}
