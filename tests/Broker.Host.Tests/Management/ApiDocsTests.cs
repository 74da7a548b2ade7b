using System.Net;
using System.Text.Json;

namespace Broker.Host.Tests.Management;

/// <summary>The OpenAPI document at /api-docs lists the /api/v5 routes mapped, whichever group mapped them.</summary>
public sealed class ApiDocsTests
{
    [Fact]
    public async Task The_openapi_document_parses_and_lists_the_mapped_routes_with_their_methods()
    {
        await using var node = await ManagedNode.StartAsync("api-docs", listen: false);
        foreach (var path in new[] { "/api-docs", "/api-docs/swagger.json", "/api-docs/openapi.json" })
        {
            using var response = await node.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var root = document.RootElement;
            Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
            var paths = root.GetProperty("paths");
            Assert.True(paths.GetProperty("/api/v5/topics").TryGetProperty("get", out _));
            Assert.True(paths.GetProperty("/api/v5/publish").TryGetProperty("post", out _));
            Assert.True(paths.GetProperty("/api/v5/banned").TryGetProperty("post", out _));
            Assert.True(paths.GetProperty("/api/v5/configs/{root}").TryGetProperty("put", out _));
            var delete = paths.GetProperty("/api/v5/mqtt/retainer/message/{topic}").GetProperty("delete");
            Assert.Equal("topic", Assert.Single(delete.GetProperty("parameters").EnumerateArray()).GetProperty("name").GetString());
            Assert.Contains(paths.EnumerateObject(), p => p.Name.StartsWith("/api/v5/authentication/", StringComparison.Ordinal));
            Assert.All(paths.EnumerateObject(), p => Assert.StartsWith("/api/v5/", p.Name, StringComparison.Ordinal));
        }
    }
}
