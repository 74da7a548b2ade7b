using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Broker.Host.Tests.Management;

/// <summary>
/// Credentials of EMQX 5's HTTP API over real HTTP, on the dashboard listener and the management endpoint: nothing under
/// /api/v5 answers without them but the login and the Prometheus scrape; a dashboard login gives a bearer token, an API
/// key is HTTP Basic, each refused with EMQX's codes once revoked, disabled or wrong; in a cluster they hold on every node.
/// </summary>
public sealed class ApiAccessTests
{
    [Fact]
    public async Task Without_credentials_only_the_login_status_prometheus_probes_and_cluster_routes_answer()
    {
        await using var node = await ManagedNode.StartAsync("access-open");
        using var dashboard = ManagedNode.Anonymous(node.Dashboard.EndPoint!);
        using var management = ManagedNode.Anonymous(node.Management.EndPoint!);

        foreach (var (http, path) in new[] { (dashboard, "/api/v5/banned"), (dashboard, "/api/v5/api_key"), (dashboard, "/api/v5/users"), (management, "/api/v5/banned"), (management, "/api/v5/users") })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("AUTHORIZATION_HEADER_ERROR", (await Body(response)).GetProperty("code").GetString());
        }

        using (var post = await dashboard.PostAsJsonAsync("/api/v5/banned", new { @as = "clientid", who = "x" }))
            Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        using (var status = await dashboard.GetAsync("/status"))
        {
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            Assert.Equal($"Node {node.Runtime.NodeName} is started\nbroker is running\n", await status.Content.ReadAsStringAsync());
        }

        using (var scrape = await dashboard.GetAsync("/api/v5/prometheus/stats"))
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        using (var alive = await management.GetAsync("/alive"))
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        using (var members = await management.GetAsync("/cluster/members"))
            Assert.Equal(HttpStatusCode.OK, members.StatusCode);
        using (var unknown = await dashboard.GetAsync("/api/v5/no-such-route"))
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task Prometheus_needs_credentials_when_enable_basic_auth_is_set()
    {
        await using var node = await ManagedNode.StartAsync("access-prometheus", configure: o => o.Prometheus.EnableBasicAuth = true);
        using var dashboard = ManagedNode.Anonymous(node.Dashboard.EndPoint!);

        using (var refused = await dashboard.GetAsync("/api/v5/prometheus/stats"))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var scrape = await node.Http.GetAsync("/api/v5/prometheus/stats");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
    }

    [Fact]
    public async Task The_default_admin_logs_in_is_told_to_change_the_password_and_its_token_works_until_logout()
    {
        await using var node = await ManagedNode.StartAsync("access-login");
        using var dashboard = ManagedNode.Anonymous(node.Dashboard.EndPoint!);

        var (wrong, refusal) = await Post(dashboard, "/api/v5/login", new { username = "admin", password = "not-public" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal("BAD_USERNAME_OR_PWD", refusal.GetProperty("code").GetString());

        var (status, login) = await Post(dashboard, "/api/v5/login", new { username = "admin", password = "public" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(login.GetProperty("password_change_required").GetBoolean());
        Assert.Equal("administrator", login.GetProperty("role").GetString());
        Assert.Equal("opensource", login.GetProperty("license").GetProperty("edition").GetString());
        var token = login.GetProperty("token").GetString()!;

        dashboard.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var banned = await dashboard.GetAsync("/api/v5/banned"))
            Assert.Equal(HttpStatusCode.OK, banned.StatusCode);
        var (changed, _) = await Post(dashboard, "/api/v5/users/admin/change_pwd", new { old_pwd = "public", new_pwd = "s3cret-enough" });
        Assert.Equal(HttpStatusCode.NoContent, changed);
        // A changed password revokes the user's tokens.
        using (var revoked = await dashboard.GetAsync("/api/v5/banned"))
            Assert.Equal("BAD_TOKEN", (await Body(revoked)).GetProperty("code").GetString());

        dashboard.DefaultRequestHeaders.Authorization = null;
        var (again, second) = await Post(dashboard, "/api/v5/login", new { username = "admin", password = "s3cret-enough" });
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.False(second.GetProperty("password_change_required").GetBoolean());
        dashboard.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", second.GetProperty("token").GetString());
        var (loggedOut, _) = await Post(dashboard, "/api/v5/logout", new { username = "admin" });
        Assert.Equal(HttpStatusCode.NoContent, loggedOut);
        using var afterLogout = await dashboard.GetAsync("/api/v5/banned");
        Assert.Equal(HttpStatusCode.Unauthorized, afterLogout.StatusCode);
        Assert.Equal("BAD_TOKEN", (await Body(afterLogout)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Bad_json_and_missing_fields_get_400_with_a_message()
    {
        await using var node = await ManagedNode.StartAsync("access-json");
        using var dashboard = ManagedNode.Anonymous(node.Dashboard.EndPoint!);

        using var malformed = await dashboard.PostAsync("/api/v5/login", new StringContent("{\"username\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var body = await Body(malformed);
        Assert.Equal("BAD_REQUEST", body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(dashboard, "/api/v5/login", new { username = "admin" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(node.Http, "/api/v5/api_key", new { name = "1-starts-with-a-digit" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(node.Http, "/api/v5/users", new { username = "x", password = "y", role = "root" })).Status);
    }

    [Fact]
    public async Task An_api_key_works_as_basic_until_disabled_or_deleted_and_may_not_manage_keys()
    {
        await using var node = await ManagedNode.StartAsync("access-keys");
        using var dashboard = ManagedNode.Anonymous(node.Dashboard.EndPoint!);

        var (created, key) = await Post(node.Http, "/api/v5/api_key", new { name = "mes-export", desc = "MES", expired_at = "infinity" });
        Assert.Equal(HttpStatusCode.OK, created);
        Assert.Equal("infinity", key.GetProperty("expired_at").GetString());
        dashboard.DefaultRequestHeaders.Authorization = Basic(key.GetProperty("api_key").GetString()!, key.GetProperty("api_secret").GetString()!);
        using (var allowed = await dashboard.GetAsync("/api/v5/banned"))
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using (var listed = await node.Http.GetAsync("/api/v5/api_key"))
            Assert.DoesNotContain("api_secret", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var keys = await dashboard.GetAsync("/api/v5/api_key"))
            Assert.Equal("API_KEY_NOT_ALLOW", (await Body(keys)).GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.OK, (await Send(node.Http, HttpMethod.Put, "/api/v5/api_key/mes-export", new { enable = false })).Status);
        using (var disabled = await dashboard.GetAsync("/api/v5/banned"))
            Assert.Equal("BAD_API_KEY_OR_SECRET", (await Body(disabled)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Send(node.Http, HttpMethod.Put, "/api/v5/api_key/mes-export", new { enable = true })).Status);
        using (var enabled = await dashboard.GetAsync("/api/v5/banned"))
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Send(node.Http, HttpMethod.Delete, "/api/v5/api_key/mes-export", null)).Status);
        using (var deleted = await dashboard.GetAsync("/api/v5/banned"))
            Assert.Equal(HttpStatusCode.Unauthorized, deleted.StatusCode);
        dashboard.DefaultRequestHeaders.Authorization = Basic(key.GetProperty("api_key").GetString()!, "a-wrong-secret");
        using var wrongSecret = await dashboard.GetAsync("/api/v5/banned");
        Assert.Equal("BAD_API_KEY_OR_SECRET", (await Body(wrongSecret)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_viewer_reads_but_may_not_change()
    {
        await using var node = await ManagedNode.StartAsync("access-viewer");
        using var dashboard = ManagedNode.Anonymous(node.Dashboard.EndPoint!);
        Assert.Equal(HttpStatusCode.OK, (await Post(node.Http, "/api/v5/users", new { username = "auditor", password = "pw-audit", role = "viewer" })).Status);

        var (_, login) = await Post(dashboard, "/api/v5/login", new { username = "auditor", password = "pw-audit" });
        Assert.Equal("viewer", login.GetProperty("role").GetString());
        dashboard.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        using (var read = await dashboard.GetAsync("/api/v5/banned"))
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var (refused, body) = await Post(dashboard, "/api/v5/banned", new { @as = "clientid", who = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal("UNAUTHORIZED_ROLE", body.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await Post(dashboard, "/api/v5/users/auditor/change_pwd", new { old_pwd = "pw-audit", new_pwd = "pw-2" })).Status);
    }

    [Fact]
    public async Task A_token_and_an_api_key_made_on_one_node_work_on_the_other()
    {
        await using var a = await ManagedNode.StartAsync("access-cluster");
        await using var b = await ManagedNode.StartAsync("access-cluster");
        await a.JoinAsync(a.ClusterEndpoint);
        await b.JoinAsync(a.ClusterEndpoint);
        await Eventually.True(async () => (await a.MemberStatusesAsync()).Values.Count(s => s == "Up") == 2, "both nodes are Up");

        using var onA = ManagedNode.Anonymous(a.Dashboard.EndPoint!);
        var (_, login) = await Post(onA, "/api/v5/login", new { username = "admin", password = "public" });
        var (_, key) = await Post(a.Http, "/api/v5/api_key", new { name = "shared" });

        using var byToken = ManagedNode.Anonymous(b.Dashboard.EndPoint!);
        byToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
        using var byKey = ManagedNode.Anonymous(b.Dashboard.EndPoint!);
        byKey.DefaultRequestHeaders.Authorization = Basic(key.GetProperty("api_key").GetString()!, key.GetProperty("api_secret").GetString()!);
        await Eventually.True(async () => (await byToken.GetAsync("/api/v5/banned")).StatusCode == HttpStatusCode.OK, "node b takes the token of a login on a");
        await Eventually.True(async () => (await byKey.GetAsync("/api/v5/banned")).StatusCode == HttpStatusCode.OK, "node b takes the API key made on a");

        Assert.Equal(HttpStatusCode.NoContent, (await Send(a.Http, HttpMethod.Delete, "/api/v5/api_key/shared", null)).Status);
        await Eventually.True(async () => (await byKey.GetAsync("/api/v5/banned")).StatusCode == HttpStatusCode.Unauthorized, "node b refuses the key deleted on a");
    }

    private static AuthenticationHeaderValue Basic(string key, string secret) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key}:{secret}")));

    private static Task<(HttpStatusCode Status, JsonElement Body)> Post(HttpClient http, string path, object body) => Send(http, HttpMethod.Post, path, body);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpClient http, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentLength == 0 ? default : await Body(response));
    }

    private static async Task<JsonElement> Body(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
