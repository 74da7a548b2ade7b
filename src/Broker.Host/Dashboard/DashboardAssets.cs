using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Broker.Host.Dashboard;

/// <summary>One file of the dashboard: its bytes, the type it is served as, and the ETag that names its content.</summary>
internal sealed record DashboardAsset(string Path, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The dashboard's files, embedded in the broker's assembly under <c>dashboard/</c> (Broker.Host.csproj) so that the
/// broker serves them with nothing beside its binary and nothing from the internet. Read once: they cannot change while
/// the process runs, so each one's ETag is a hash of its bytes computed here.
/// </summary>
internal sealed class DashboardAssets
{
    public const string ResourcePrefix = "dashboard/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".json"] = "application/json; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, DashboardAsset> _assets;

    private DashboardAssets(FrozenDictionary<string, DashboardAsset> assets) => _assets = assets;

    /// <summary>The files embedded in the broker's assembly, read once per process.</summary>
    public static DashboardAssets Embedded { get; } = Load(typeof(DashboardAssets).Assembly);

    /// <summary>Paths relative to the dashboard's root, with forward slashes (<c>index.html</c>, <c>js/app.js</c>).</summary>
    public IEnumerable<string> Paths => _assets.Keys;

    public DashboardAsset? Find(string path) => _assets.GetValueOrDefault(path);

    internal static DashboardAssets Load(Assembly assembly)
    {
        var assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            // The resource's name keeps the folder separator of the machine that built it.
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            assets[path] = new DashboardAsset(path, content, ContentTypeOf(path), ETagOf(content));
        }

        return new DashboardAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public static string ContentTypeOf(string path) =>
        ContentTypes.GetValueOrDefault(System.IO.Path.GetExtension(path), "application/octet-stream");

    private static string ETagOf(byte[] content) => $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..20]}\"";
}
