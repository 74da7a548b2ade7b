using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Broker.Host.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Host.Tests.Dashboard;

/// <summary>
/// The dashboard's files as a browser gets them, over real HTTP from the routes the broker maps: every file that
/// index.html reaches through its links and its modules' imports is served with its type, and nothing embedded is
/// unreachable; revalidation by ETag; the headers that keep the page from running anything but its own files.
/// </summary>
public sealed partial class DashboardRoutesTests : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddRouting();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        DashboardRoutes.Map(_app);
        // What the management endpoint answers for anything else: the dashboard must leave such paths to it.
        _app.MapFallback(context =>
        {
            context.Response.StatusCode = StatusCodes.Status418ImATeapot;
            return Task.CompletedTask;
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_app is not null)
            await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_root_serves_index_html_with_a_policy_of_self_only_and_no_framing()
    {
        using var response = await _http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(DashboardRoutes.ContentSecurityPolicy, Single(response, "Content-Security-Policy"));
        Assert.Contains("script-src 'self';", DashboardRoutes.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", DashboardRoutes.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"/assets/js/app.js\"></script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_file_index_html_reaches_is_served_with_its_type_and_every_embedded_file_is_reached()
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>();
        foreach (Match link in AssetLink().Matches(await _http.GetStringAsync("/")))
            pending.Enqueue(link.Groups["path"].Value);

        while (pending.TryDequeue(out var path))
        {
            if (!reached.Add(path))
                continue;
            using var response = await _http.GetAsync($"{DashboardRoutes.AssetsPath}/{path}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.Equal(DashboardAssets.ContentTypeOf(path), response.Content.Headers.ContentType?.ToString());
            Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
            if (!path.EndsWith(".js", StringComparison.Ordinal))
                continue;
            var script = await response.Content.ReadAsStringAsync();
            // Data from clients (ids, topics, payloads) reaches the page as text nodes only.
            Assert.DoesNotMatch(@"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write", script);
            foreach (Match import in ModuleImport().Matches(script))
                pending.Enqueue(Resolve(path, import.Groups["path"].Value));
        }

        var embedded = DashboardAssets.Embedded.Paths.Where(p => p != "index.html").Order(StringComparer.Ordinal);
        Assert.Equal(embedded, reached.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_file_the_browser_holds_is_revalidated_by_its_etag_with_304_and_no_body()
    {
        using var first = await _http.GetAsync("/assets/js/app.js");
        var etag = first.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, "/assets/js/app.js");
        again.Headers.IfNoneMatch.Add(etag);
        using var revalidated = await _http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/assets/js/app.js");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"an-older-version\""));
        using var fresh = await _http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await fresh.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_head_request_gets_the_length_without_the_body()
    {
        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/assets/css/app.css"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(DashboardAssets.Embedded.Find("css/app.css")!.Content.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/assets/js/missing.js")]
    [InlineData("/assets/index.html")]
    [InlineData("/assets/")]
    public async Task What_is_not_a_dashboard_file_under_assets_is_404(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v5/clients")]
    [InlineData("/status")]
    [InlineData("/clients")]
    public async Task Paths_outside_the_dashboard_are_left_to_the_endpoint_s_other_routes(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var response = await _http.SendAsync(request);

        Assert.Equal((HttpStatusCode)StatusCodes.Status418ImATeapot, response.StatusCode);
    }

    [Fact]
    public async Task Index_html_has_no_inline_script_or_style_that_the_policy_would_block()
    {
        var html = await _http.GetStringAsync("/");

        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("\\sstyle=", html);
        Assert.DoesNotMatch("\\son[a-z]+=", html);
    }

    private static string Single(HttpResponseMessage response, string header) =>
        Assert.Single(response.Headers.GetValues(header));

    // index.html's links to the assets: href="/assets/css/app.css", src="/assets/js/app.js".
    [GeneratedRegex("(?:href|src)=\"/assets/(?<path>[^\"]+)\"")]
    private static partial Regex AssetLink();

    // A module's static imports: import { x } from './dom.js'; import '../api.js'.
    [GeneratedRegex("^\\s*import\\s+(?:[^'\"]*\\s+from\\s+)?'(?<path>\\.{1,2}/[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleImport();

    private static string Resolve(string from, string relative)
    {
        var parts = from.Split('/')[..^1].ToList();
        foreach (var part in relative.Split('/'))
        {
            if (part == "..")
                parts.RemoveAt(parts.Count - 1);
            else if (part != ".")
                parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
