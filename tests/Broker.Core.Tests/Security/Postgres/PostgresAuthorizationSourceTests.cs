using System.Net;
using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Core.Security.Authorization.Postgres;
using Broker.Core.Security.Postgres;
using Broker.Mqtt;

namespace Broker.Core.Tests.Security.Postgres;

public sealed class PostgresAuthorizationSourceTests(PostgresSchema schema) : IClassFixture<PostgresSchema>, IAsyncLifetime
{
    private const string OrderedQuery = "SELECT permission, action, topic, qos, retain FROM mqtt_acl WHERE username = ${username} ORDER BY seq";

    public async Task InitializeAsync()
    {
        await schema.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS mqtt_acl (seq serial, username text, clientid text, permission text, action text, topic text, qos smallint, retain boolean)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task AddRuleAsync(string username, string permission, string action, string topic, int? qos = null, bool? retain = null, string? clientId = null) =>
        schema.ExecuteAsync(
            "INSERT INTO mqtt_acl (username, clientid, permission, action, topic, qos, retain) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)",
            username, clientId, permission, action, topic, qos is null ? null : (short)qos, retain);

    private PostgresAuthorizationSource Source(string query = OrderedQuery, string? connectionString = null, TimeSpan? timeout = null) => new(
        new PostgresAuthorizationSettings(connectionString ?? schema.ConnectionString)
        {
            Query = query,
            PoolSize = 2,
            LoadTimeout = timeout ?? TimeSpan.FromSeconds(10),
        });

    private static ClientInfo Client(string? username, string clientId = "c1", string? host = null) =>
        new() { ClientId = clientId, Username = username, PeerHost = host is null ? null : IPAddress.Parse(host) };

    private static AclDecision Publish(IAuthorizationSource acl, ClientInfo client, string topic, QualityOfService qos = QualityOfService.AtMostOnce, bool retain = false) =>
        acl.Check(client, AclAction.Publish, topic, qos, retain);

    private static AclDecision Subscribe(IAuthorizationSource acl, ClientInfo client, string filter, QualityOfService qos = QualityOfService.AtMostOnce) =>
        acl.Check(client, AclAction.Subscribe, filter, qos, false);

    [PostgresFact]
    public async Task Rows_are_asked_in_order_and_a_request_no_row_matches_is_no_match()
    {
        await AddRuleAsync("ordered", "deny", "publish", "plant/secret");
        await AddRuleAsync("ordered", "allow", "publish", "plant/#");
        await AddRuleAsync("ordered", "allow", "subscribe", "status/+");
        await using var source = Source();
        var client = Client("ordered");

        var acl = await source.LoadAsync(client, CancellationToken.None);

        Assert.Equal(AclDecision.Deny, Publish(acl, client, "plant/secret"));
        Assert.Equal(AclDecision.Allow, Publish(acl, client, "plant/line1"));
        Assert.Equal(AclDecision.NoMatch, Subscribe(acl, client, "plant/line1"));
        Assert.Equal(AclDecision.Allow, Subscribe(acl, client, "status/line1"));
        Assert.Equal(AclDecision.Allow, Subscribe(acl, client, "$share/g/status/line1"));
        Assert.Equal(AclDecision.NoMatch, Publish(acl, client, "other"));
    }

    [PostgresFact]
    public async Task A_client_without_rows_gets_no_match_and_other_clients_rows_are_not_its_own()
    {
        await AddRuleAsync("someone-else", "allow", "all", "#");
        await using var source = Source();
        var client = Client("nobody");

        var acl = await source.LoadAsync(client, CancellationToken.None);

        Assert.Equal(AclDecision.NoMatch, Publish(acl, client, "a"));
        Assert.Equal(AclDecision.NoMatch, Subscribe(acl, client, "#"));
    }

    [PostgresFact]
    public async Task Action_all_and_the_short_names_pub_and_sub_are_read()
    {
        await AddRuleAsync("actions", "allow", "all", "both/#");
        await AddRuleAsync("actions", "allow", "pub", "p/#");
        await AddRuleAsync("actions", "allow", "sub", "s/#");
        await using var source = Source();
        var client = Client("actions");

        var acl = await source.LoadAsync(client, CancellationToken.None);

        Assert.Equal(AclDecision.Allow, Publish(acl, client, "both/x"));
        Assert.Equal(AclDecision.Allow, Subscribe(acl, client, "both/x"));
        Assert.Equal(AclDecision.Allow, Publish(acl, client, "p/x"));
        Assert.Equal(AclDecision.NoMatch, Subscribe(acl, client, "p/x"));
        Assert.Equal(AclDecision.Allow, Subscribe(acl, client, "s/x"));
        Assert.Equal(AclDecision.NoMatch, Publish(acl, client, "s/x"));
    }

    [PostgresFact]
    public async Task Topic_placeholders_are_the_clients_own_values()
    {
        await AddRuleAsync("alice", "allow", "all", "users/${username}/#");
        await AddRuleAsync("alice", "allow", "publish", "devices/${clientid}/up");
        await AddRuleAsync("alice", "allow", "publish", "legacy/%u/%c");
        await using var source = Source();
        var client = Client("alice", "dev-7");

        var acl = await source.LoadAsync(client, CancellationToken.None);

        Assert.Equal(AclDecision.Allow, Publish(acl, client, "users/alice/x"));
        Assert.Equal(AclDecision.NoMatch, Publish(acl, client, "users/bob/x"));
        Assert.Equal(AclDecision.Allow, Publish(acl, client, "devices/dev-7/up"));
        Assert.Equal(AclDecision.NoMatch, Publish(acl, client, "devices/dev-8/up"));
        Assert.Equal(AclDecision.Allow, Publish(acl, client, "legacy/alice/dev-7"));
    }

    [PostgresFact]
    public async Task Eq_names_one_exact_topic_wildcards_included()
    {
        await AddRuleAsync("eq", "allow", "subscribe", "eq alarms/#");
        await using var source = Source();
        var client = Client("eq");

        var acl = await source.LoadAsync(client, CancellationToken.None);

        Assert.Equal(AclDecision.Allow, Subscribe(acl, client, "alarms/#"));
        Assert.Equal(AclDecision.NoMatch, Subscribe(acl, client, "alarms/line1"));
        Assert.Equal(AclDecision.NoMatch, Subscribe(acl, client, "alarms/+"));
    }

    [PostgresFact]
    public async Task Qos_and_retain_columns_narrow_a_row_and_null_means_any()
    {
        await AddRuleAsync("qos", "deny", "publish", "t/retained", retain: true);
        await AddRuleAsync("qos", "allow", "publish", "t/#", qos: 1);
        await AddRuleAsync("qos", "allow", "subscribe", "s/#", qos: 0);
        await AddRuleAsync("qos", "allow", "all", "any/#");
        await using var source = Source();
        var client = Client("qos");

        var acl = await source.LoadAsync(client, CancellationToken.None);

        Assert.Equal(AclDecision.Deny, Publish(acl, client, "t/retained", QualityOfService.AtLeastOnce, retain: true));
        Assert.Equal(AclDecision.Allow, Publish(acl, client, "t/retained", QualityOfService.AtLeastOnce, retain: false));
        Assert.Equal(AclDecision.NoMatch, Publish(acl, client, "t/x", QualityOfService.ExactlyOnce));
        Assert.Equal(AclDecision.Allow, Subscribe(acl, client, "s/x", QualityOfService.AtMostOnce));
        Assert.Equal(AclDecision.NoMatch, Subscribe(acl, client, "s/x", QualityOfService.AtLeastOnce));
        Assert.Equal(AclDecision.Allow, Publish(acl, client, "any/x", QualityOfService.ExactlyOnce, retain: true));
    }

    [PostgresFact]
    public async Task Qos_as_text_retain_as_a_number_and_topics_as_an_array_are_read_as_emqx_reads_them()
    {
        await using var source = Source(
            "SELECT 'allow' AS permission, 'publish' AS action, ARRAY['a/#', 'eq b/+'] AS topics, '1,2' AS qos, 1 AS retain WHERE ${username} = 'typed'");
        var client = Client("typed");

        var acl = await source.LoadAsync(client, CancellationToken.None);

        Assert.Equal(AclDecision.Allow, Publish(acl, client, "a/x", QualityOfService.ExactlyOnce, retain: true));
        Assert.Equal(AclDecision.Allow, Publish(acl, client, "b/+", QualityOfService.AtLeastOnce, retain: true));
        Assert.Equal(AclDecision.NoMatch, Publish(acl, client, "a/x", QualityOfService.AtMostOnce, retain: true));
        Assert.Equal(AclDecision.NoMatch, Publish(acl, client, "a/x", QualityOfService.AtLeastOnce, retain: false));
    }

    [PostgresFact]
    public async Task The_query_may_select_by_client_id_and_address()
    {
        await AddRuleAsync("any-user", "allow", "publish", "gate/#", clientId: "gate-1");
        await using var source = Source(
            "SELECT permission, action, topic FROM mqtt_acl WHERE clientid = \"${clientid}\" AND ${peerhost}::inet << '10.0.0.0/8'::inet");
        var inside = Client(null, "gate-1", "10.2.3.4");
        var outside = Client(null, "gate-1", "192.168.1.1");

        Assert.Equal(AclDecision.Allow, Publish(await source.LoadAsync(inside, CancellationToken.None), inside, "gate/open"));
        Assert.Equal(AclDecision.NoMatch, Publish(await source.LoadAsync(outside, CancellationToken.None), outside, "gate/open"));
    }

    [PostgresTheory]
    [InlineData("x' OR '1'='1")]
    [InlineData("'; DROP TABLE mqtt_acl; --")]
    public async Task A_username_written_as_sql_finds_no_other_clients_rules(string username)
    {
        await AddRuleAsync("victim", "allow", "all", "#");
        await using var source = Source();
        var client = Client(username);

        var acl = await source.LoadAsync(client, CancellationToken.None);

        Assert.Equal(AclDecision.NoMatch, Publish(acl, client, "anything"));
        Assert.True(await schema.CountAsync("mqtt_acl") >= 1);
    }

    [PostgresFact]
    public async Task A_row_that_does_not_read_denies_what_reaches_it_and_rows_before_it_still_decide()
    {
        await AddRuleAsync("bad-row", "allow", "publish", "fine/#");
        await AddRuleAsync("bad-row", "maybe", "publish", "x/#");
        await AddRuleAsync("bad-row", "allow", "publish", "later/#");
        await using var source = Source();
        var client = Client("bad-row");

        var acl = await source.LoadAsync(client, CancellationToken.None);

        Assert.Equal(AclDecision.Allow, Publish(acl, client, "fine/1"));
        Assert.Equal(AclDecision.Deny, Publish(acl, client, "later/1"));
        Assert.Contains("row 2", Assert.Single(((PostgresAcl)acl).Problems), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task A_query_the_server_refuses_fails_the_load_with_its_reason()
    {
        await using var source = Source("SELECT permission, action, topic FROM no_acl_table WHERE username = ${username}");

        var error = await Assert.ThrowsAsync<PostgresAuthException>(() => source.LoadAsync(Client("u"), CancellationToken.None));

        Assert.Contains("no_acl_table", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task The_authorizer_loads_at_connect_and_then_answers_without_the_database()
    {
        await AddRuleAsync("loaded", "allow", "publish", "mine/#");
        await AddRuleAsync("loaded", "deny", "subscribe", "#");
        await using var source = Source();
        var authorizer = new Authorizer([source], AclDecision.Allow, AuthorizationCacheOptions.Default, TimeProvider.System);
        var client = Client("loaded");

        var rules = await authorizer.LoadRulesAsync(client, CancellationToken.None);
        await schema.ExecuteAsync("DELETE FROM mqtt_acl WHERE username = 'loaded'");
        var authorization = authorizer.ForClient(client, rules);

        Assert.True(authorizer.LoadsRules);
        Assert.Empty(rules.Failures);
        Assert.Equal(AclDecision.Allow, authorization.Authorize(AclAction.Publish, "mine/1", QualityOfService.AtMostOnce, false));
        Assert.Equal(AclDecision.Deny, authorization.Authorize(AclAction.Subscribe, "#", QualityOfService.AtMostOnce, false));
        Assert.Equal(AclDecision.Allow, authorization.Authorize(AclAction.Publish, "other", QualityOfService.AtMostOnce, false));

        // Rules never loaded: the source denies rather than let no_match allow.
        var unloaded = authorizer.ForClient(client);
        Assert.Equal(AclDecision.Deny, unloaded.Authorize(AclAction.Publish, "other", QualityOfService.AtMostOnce, false));
    }

    [PostgresFact]
    public async Task A_client_s_own_rules_come_first_and_a_superuser_needs_no_load()
    {
        await AddRuleAsync("layered", "deny", "publish", "shared/#");
        await using var source = Source();
        var authorizer = new Authorizer([source], AclDecision.Deny, AuthorizationCacheOptions.Disabled, TimeProvider.System);
        var own = AclFile.Parse("{allow, all, publish, [\"shared/mine\"]}.", "claim");
        var client = Client("layered") with { Acl = own };
        var superuser = Client("layered") with { IsSuperuser = true };

        var authorization = authorizer.ForClient(client, await authorizer.LoadRulesAsync(client, CancellationToken.None));
        var super = authorizer.ForClient(superuser, await authorizer.LoadRulesAsync(superuser, CancellationToken.None));

        Assert.Equal(AclDecision.Allow, authorization.Authorize(AclAction.Publish, "shared/mine", QualityOfService.AtMostOnce, false));
        Assert.Equal(AclDecision.Deny, authorization.Authorize(AclAction.Publish, "shared/other", QualityOfService.AtMostOnce, false));
        Assert.Equal(AclDecision.Allow, super.Authorize(AclAction.Publish, "shared/other", QualityOfService.AtMostOnce, false));
    }

    [PostgresFact]
    public async Task An_unreachable_server_denies_the_client_everything_after_its_connect()
    {
        await using var source = Source(connectionString: DeadServers.ClosedPort());
        var authorizer = new Authorizer([source], AclDecision.Allow, AuthorizationCacheOptions.Disabled, TimeProvider.System);
        var client = Client("u");

        var rules = await authorizer.LoadRulesAsync(client, CancellationToken.None);

        Assert.StartsWith("postgresql: ", Assert.Single(rules.Failures), StringComparison.Ordinal);
        Assert.Equal(AclDecision.Deny, authorizer.ForClient(client, rules).Authorize(AclAction.Publish, "t", QualityOfService.AtMostOnce, false));
    }

    [PostgresFact]
    public async Task A_server_that_never_answers_fails_the_load_at_its_timeout()
    {
        using var silent = new SilentServer();
        await using var source = Source(connectionString: silent.ConnectionString, timeout: TimeSpan.FromMilliseconds(300));
        var authorizer = new Authorizer([source], AclDecision.Allow, AuthorizationCacheOptions.Disabled, TimeProvider.System);

        var rules = await authorizer.LoadRulesAsync(Client("u"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("no rows within 300 ms", Assert.Single(rules.Failures), StringComparison.Ordinal);

        // A caller that goes away is told so, not handed a failure: a source of its own, whose timeout (10 s) is far
        // beyond the caller's 100 ms, so that on a loaded machine neither the first source's timeout nor its pool decides.
        await using var patient = Source(connectionString: silent.ConnectionString, timeout: TimeSpan.FromSeconds(10));
        var waiting = new Authorizer([patient], AclDecision.Allow, AuthorizationCacheOptions.Disabled, TimeProvider.System);
        using var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.LoadRulesAsync(Client("u"), gone.Token).WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
