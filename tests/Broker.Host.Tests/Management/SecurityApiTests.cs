using System.Net;
using Broker.Host.Options;
using Broker.Mqtt;

namespace Broker.Host.Tests.Management;

/// <summary>
/// The built-in database's users and the banned list changed at run time through EMQX's API on the management
/// endpoint: they take effect at the next CONNECT, are refused with EMQX's codes when wrong, and in a cluster hold on
/// every node, whichever node was asked.
/// </summary>
public sealed class SecurityApiTests
{
    private const string Users = "/api/v5/authentication/password_based:built_in_database/users";

    private static void BuiltInDatabase(BrokerOptions options) =>
        options.Authentication = [new AuthenticatorOptions { PasswordHashAlgorithm = { Iterations = 64 } }];

    [Fact]
    public async Task A_user_added_through_the_api_logs_in_and_a_changed_password_or_a_deleted_user_does_not()
    {
        await using var node = await ManagedNode.StartAsync("api-users", configure: BuiltInDatabase);

        var (created, user) = await node.SendJsonAsync(HttpMethod.Post, Users, new { user_id = "line1-press", password = "pw-1", is_superuser = false });
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("line1-press", user.GetProperty("user_id").GetString());
        Assert.Equal(ReasonCode.Success, (await node.LoginAsync("press-1", "line1-press", "pw-1")).ReasonCode);
        Assert.Equal(ReasonCode.BadUserNameOrPassword, (await node.LoginAsync("press-1", "line1-press", "wrong")).ReasonCode);

        var (changed, _) = await node.SendJsonAsync(HttpMethod.Put, $"{Users}/line1-press", new { password = "pw-2" });
        Assert.Equal(HttpStatusCode.OK, changed);
        Assert.Equal(ReasonCode.BadUserNameOrPassword, (await node.LoginAsync("press-1", "line1-press", "pw-1")).ReasonCode);
        Assert.Equal(ReasonCode.Success, (await node.LoginAsync("press-1", "line1-press", "pw-2")).ReasonCode);

        var (listed, page) = await node.GetAsync(Users);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal(1, page.GetProperty("meta").GetProperty("count").GetInt32());
        Assert.DoesNotContain("password", page.ToString(), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.NoContent, (await node.SendJsonAsync(HttpMethod.Delete, $"{Users}/line1-press")).Status);
        // Unknown to the only authenticator: nobody allowed it, so it is refused as EMQX does (not authorized).
        Assert.NotEqual(ReasonCode.Success, (await node.LoginAsync("press-1", "line1-press", "pw-2")).ReasonCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.GetAsync($"{Users}/line1-press")).Status);
    }

    [Fact]
    public async Task Wrong_requests_get_emqx_error_codes_and_change_nothing()
    {
        await using var node = await ManagedNode.StartAsync("api-errors", configure: BuiltInDatabase);
        await node.SendJsonAsync(HttpMethod.Post, Users, new { user_id = "mes", password = "pw" });

        await AssertError(node.SendJsonAsync(HttpMethod.Post, Users, new { user_id = "mes", password = "other" }), HttpStatusCode.Conflict, "ALREADY_EXISTS");
        await AssertError(node.SendJsonAsync(HttpMethod.Post, Users, new { user_id = "nopw" }), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await AssertError(node.SendJsonAsync(HttpMethod.Put, $"{Users}/ghost", new { password = "x" }), HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertError(node.SendJsonAsync(HttpMethod.Get, "/api/v5/authentication/password_based:ldap/users"), HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertError(node.SendJsonAsync(HttpMethod.Get, $"{Users}?limit=0"), HttpStatusCode.BadRequest, "BAD_REQUEST");
        using (var malformed = new HttpRequestMessage(HttpMethod.Post, Users) { Content = new StringContent("{\"user_id\": ", System.Text.Encoding.UTF8, "application/json") })
        {
            using var response = await node.Http.SendAsync(malformed);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        await AssertError(node.SendJsonAsync(HttpMethod.Post, "/api/v5/banned", new { @as = "clientid_re", who = "([unclosed" }), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await AssertError(node.SendJsonAsync(HttpMethod.Post, "/api/v5/banned", new { @as = "peerhost", who = "10.1.2" }), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await AssertError(node.SendJsonAsync(HttpMethod.Post, "/api/v5/banned", new { @as = "hostname", who = "x" }), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await AssertError(node.SendJsonAsync(HttpMethod.Post, "/api/v5/banned", new { @as = "clientid", who = "x", until = DateTimeOffset.UtcNow.AddMinutes(-1) }), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await AssertError(node.SendJsonAsync(HttpMethod.Delete, "/api/v5/banned/clientid/nobody"), HttpStatusCode.NotFound, "NOT_FOUND");

        Assert.Equal(ReasonCode.Success, (await node.LoginAsync("mes-1", "mes", "pw")).ReasonCode);
        Assert.Equal(0, (await node.GetAsync("/api/v5/banned")).Body.GetProperty("meta").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_ban_refuses_the_next_connect_and_its_removal_lets_the_client_back()
    {
        await using var node = await ManagedNode.StartAsync("api-banned");

        var (banned, ban) = await node.SendJsonAsync(HttpMethod.Post, "/api/v5/banned", new { @as = "clientid", who = "press/7", reason = "firmware loop" });
        Assert.Equal(HttpStatusCode.OK, banned);
        Assert.Equal("mgmt_api", ban.GetProperty("by").GetString());
        await AssertError(node.SendJsonAsync(HttpMethod.Post, "/api/v5/banned", new { @as = "clientid", who = "press/7" }), HttpStatusCode.Conflict, "ALREADY_EXISTS");

        Assert.Equal(ReasonCode.Banned, (await node.LoginAsync("press/7", "any", "any")).ReasonCode);
        Assert.Equal(ReasonCode.Success, (await node.LoginAsync("press/8", "any", "any")).ReasonCode);

        Assert.Equal(HttpStatusCode.NoContent, (await node.SendJsonAsync(HttpMethod.Delete, "/api/v5/banned/clientid/press/7")).Status);
        Assert.Equal(ReasonCode.Success, (await node.LoginAsync("press/7", "any", "any")).ReasonCode);
    }

    [Fact]
    public async Task In_a_cluster_users_and_bans_made_on_one_node_hold_on_the_other()
    {
        await using var a = await ManagedNode.StartAsync("api-cluster", configure: BuiltInDatabase);
        await using var b = await ManagedNode.StartAsync("api-cluster", configure: BuiltInDatabase);
        await a.JoinAsync(a.ClusterEndpoint);
        await b.JoinAsync(a.ClusterEndpoint);
        await Eventually.True(async () => (await a.MemberStatusesAsync()).Values.Count(s => s == "Up") == 2, "both nodes are Up");

        await a.SendJsonAsync(HttpMethod.Post, Users, new { user_id = "quality", password = "pw-q", is_superuser = true });
        await Eventually.True(async () => (await b.GetAsync($"{Users}/quality")).Status == HttpStatusCode.OK, "node b has the user added on a");
        Assert.Equal(ReasonCode.Success, (await b.LoginAsync("dashboard-1", "quality", "pw-q")).ReasonCode);
        Assert.True((await b.GetAsync($"{Users}/quality")).Body.GetProperty("is_superuser").GetBoolean());

        await b.SendJsonAsync(HttpMethod.Post, "/api/v5/banned", new { @as = "username", who = "quality", reason = "left the plant" });
        await Eventually.True(async () => (await a.LoginAsync("dashboard-2", "quality", "pw-q")).ReasonCode == ReasonCode.Banned, "node a refuses the user banned on b");

        Assert.Equal(HttpStatusCode.NoContent, (await a.SendJsonAsync(HttpMethod.Delete, $"{Users}/quality")).Status);
        await Eventually.True(async () => (await b.GetAsync($"{Users}/quality")).Status == HttpStatusCode.NotFound, "node b lost the user deleted on a");
    }

    [Fact]
    public async Task Rules_of_the_built_in_database_decide_per_username_then_client_id_then_for_all_and_reach_connected_clients()
    {
        const string rules = "/api/v5/authorization/sources/built_in_database/rules";
        await using var node = await ManagedNode.StartAsync("api-acl", configure: o =>
        {
            o.Authorization.NoMatch = NoMatchAction.Deny;
            o.Authorization.Cache.Enable = false;
            o.Authorization.Sources = [new AuthorizationSourceOptions { Type = AuthorizationSourceType.BuiltInDatabase }];
        });
        var press = await node.ConnectAsync("press-1", "line1-press");
        Assert.Equal(ReasonCode.NotAuthorized, (await press.SubscribeAsync("plant/line1/commands/line1-press")).ReasonCodes.Single());

        Assert.Equal(HttpStatusCode.NoContent, (await node.SendJsonAsync(HttpMethod.Post, $"{rules}/users", new[]
        {
            new { username = "line1-press", rules = new object[]
            {
                new { permission = "deny", action = "subscribe", topic = "plant/line1/commands/secret" },
                new { permission = "allow", action = "subscribe", topic = "plant/line1/commands/${username}" },
            } },
        })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await node.SendJsonAsync(HttpMethod.Post, $"{rules}/all", new
        {
            rules = new object[] { new { permission = "allow", action = "subscribe", topic = "plant/+/commands/#" } },
        })).Status);

        // No cache: the rules changed while the client was connected apply to its next SUBSCRIBE.
        Assert.Equal(ReasonCode.GrantedQoS1, (await press.SubscribeAsync("plant/line1/commands/line1-press")).ReasonCodes.Single());
        Assert.Equal(ReasonCode.NotAuthorized, (await press.SubscribeAsync("plant/line1/commands/secret")).ReasonCodes.Single());
        Assert.Equal(ReasonCode.GrantedQoS1, (await press.SubscribeAsync("plant/line2/commands/x")).ReasonCodes.Single());
        Assert.Equal(ReasonCode.NotAuthorized, (await press.SubscribeAsync("plant/line2/state")).ReasonCodes.Single());

        var (listed, page) = await node.GetAsync($"{rules}/users");
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal("line1-press", page.GetProperty("data")[0].GetProperty("username").GetString());
        Assert.Equal(2, page.GetProperty("data")[0].GetProperty("rules").GetArrayLength());

        await AssertError(node.SendJsonAsync(HttpMethod.Put, $"{rules}/clients/press-1", new { clientid = "press-1", rules = new object[] { new { permission = "maybe", action = "all", topic = "#" } } }),
            HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(HttpStatusCode.NotFound, (await node.GetAsync($"{rules}/clients/press-1")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await node.SendJsonAsync(HttpMethod.Delete, $"{rules}/users/line1-press")).Status);
        Assert.Equal(ReasonCode.GrantedQoS1, (await press.SubscribeAsync("plant/line1/commands/secret")).ReasonCodes.Single());
        Assert.Equal(HttpStatusCode.NoContent, (await node.SendJsonAsync(HttpMethod.Delete, $"{rules}/all")).Status);
        Assert.Equal(ReasonCode.NotAuthorized, (await press.SubscribeAsync("plant/line2/commands/x")).ReasonCodes.Single());
    }

    private static async Task AssertError(Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> request, HttpStatusCode status, string code)
    {
        var (actual, body) = await request;
        Assert.True(actual == status, $"expected {status}, got {actual}: {body}");
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
    }
}
