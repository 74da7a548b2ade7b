using Broker.Actors.TestKit;
using Broker.Core.Security.Authorization;
using Broker.Mqtt;
using static Broker.Core.Tests.Security.AclTestClients;

namespace Broker.Core.Tests.Security;

/// <summary>The per-connection cache of decisions: hits, its bound, least recently used first out, and its TTL.</summary>
public sealed class ClientAuthorizationCacheTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly CountingSource _source = new((_, topic) => topic.StartsWith("deny", StringComparison.Ordinal) ? AclDecision.Deny : AclDecision.NoMatch);

    [Fact]
    public void A_repeated_check_is_answered_from_the_cache()
    {
        var client = Create(new AuthorizationCacheOptions());

        Assert.Equal(AclDecision.Allow, Publish(client, "a"));
        Assert.Equal(AclDecision.Allow, Publish(client, "a"));
        Assert.Equal(AclDecision.Deny, Publish(client, "deny/x"));
        Assert.Equal(AclDecision.Deny, Publish(client, "deny/x"));

        Assert.Equal(2, _source.Calls);
        Assert.Equal(2, client.CachedCount);
    }

    [Fact]
    public void Action_qos_and_retain_are_part_of_the_key()
    {
        var client = Create(new AuthorizationCacheOptions());

        Publish(client, "a");
        Publish(client, "a", QualityOfService.AtLeastOnce);
        Publish(client, "a", retain: true);
        client.Authorize(AclAction.Subscribe, "a", QualityOfService.AtMostOnce, retain: false);
        Publish(client, "a");

        Assert.Equal(4, _source.Calls);
    }

    [Fact]
    public void The_cache_keeps_at_most_max_size_and_drops_the_least_recently_used()
    {
        var client = Create(new AuthorizationCacheOptions { MaxSize = 3 });
        Publish(client, "a");
        Publish(client, "b");
        Publish(client, "c");
        Publish(client, "a"); // a is now the most recent; b the least
        Publish(client, "d"); // pushes out b

        Assert.Equal(3, client.CachedCount);
        var calls = _source.Calls;
        Publish(client, "a");
        Publish(client, "c");
        Publish(client, "d");
        Assert.Equal(calls, _source.Calls);
        Publish(client, "b");
        Assert.Equal(calls + 1, _source.Calls);
        Assert.Equal(3, client.CachedCount);
    }

    [Fact]
    public void A_cache_of_one_keeps_the_latest()
    {
        var client = Create(new AuthorizationCacheOptions { MaxSize = 1 });
        Publish(client, "a");
        Publish(client, "b");
        Publish(client, "b");
        Publish(client, "a");

        Assert.Equal(3, _source.Calls);
        Assert.Equal(1, client.CachedCount);
    }

    [Fact]
    public void A_decision_expires_after_the_ttl_from_when_it_was_made()
    {
        var client = Create(new AuthorizationCacheOptions { Ttl = TimeSpan.FromSeconds(60) });
        Publish(client, "a");

        _time.Advance(TimeSpan.FromSeconds(59));
        Publish(client, "a"); // a hit does not extend the entry's life
        Assert.Equal(1, _source.Calls);

        _time.Advance(TimeSpan.FromSeconds(1));
        Publish(client, "a");
        Assert.Equal(2, _source.Calls);
        Publish(client, "a");
        Assert.Equal(2, _source.Calls);
    }

    [Fact]
    public void An_expired_entry_frees_its_place_for_the_next()
    {
        var client = Create(new AuthorizationCacheOptions { MaxSize = 2, Ttl = TimeSpan.FromSeconds(10) });
        Publish(client, "a");
        _time.Advance(TimeSpan.FromSeconds(5));
        Publish(client, "b");
        _time.Advance(TimeSpan.FromSeconds(5));

        Publish(client, "a"); // expired: asked again, stored again
        Publish(client, "c"); // full: b, now the least recently used, goes
        Assert.Equal(4, _source.Calls);
        Publish(client, "a");
        Publish(client, "c");
        Assert.Equal(4, _source.Calls);
        Publish(client, "b");
        Assert.Equal(5, _source.Calls);
    }

    [Fact]
    public void A_change_in_the_rules_reaches_a_client_when_its_cache_is_cleared()
    {
        var decision = AclDecision.Allow;
        var source = new CountingSource((_, _) => decision);
        var client = new Authorizer([source], AclDecision.Deny, new AuthorizationCacheOptions(), _time).ForClient(Client());
        Publish(client, "a");
        decision = AclDecision.Deny;

        Assert.Equal(AclDecision.Allow, Publish(client, "a"));
        client.ClearCache();
        Assert.Equal(0, client.CachedCount);
        Assert.Equal(AclDecision.Deny, Publish(client, "a"));
    }

    [Fact]
    public void A_disabled_cache_asks_every_time()
    {
        var client = Create(AuthorizationCacheOptions.Disabled);
        Publish(client, "a");
        Publish(client, "a");

        Assert.Equal(2, _source.Calls);
        Assert.Equal(0, client.CachedCount);
    }

    [Fact]
    public void An_enabled_cache_needs_room_and_time() =>
        Assert.Throws<ArgumentException>(() => new Authorizer([], AclDecision.Allow, new AuthorizationCacheOptions { MaxSize = 0 }, _time));

    [Fact]
    public void Defaults_are_emqx_s()
    {
        var options = new AuthorizationCacheOptions();

        Assert.Equal((true, 32, TimeSpan.FromMinutes(1)), (options.Enable, options.MaxSize, options.Ttl));
    }

    [Fact]
    public void A_hit_allocates_nothing()
    {
        var client = Create(new AuthorizationCacheOptions());
        const string Topic = "sensors/1/temperature";
        Publish(client, Topic);
        Publish(client, Topic);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Publish(client, Topic);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1, _source.Calls);
    }

    private ClientAuthorization Create(AuthorizationCacheOptions options) =>
        new Authorizer([_source], AclDecision.Allow, options, _time).ForClient(Client());

    private static AclDecision? Publish(ClientAuthorization client, string topic, QualityOfService qos = QualityOfService.AtMostOnce, bool retain = false) =>
        client.Authorize(AclAction.Publish, topic, qos, retain);
}
