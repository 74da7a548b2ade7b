namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// Folders of the checkout the tests run from: the client scripts live in the source tree, not in the
/// build output, so that <c>npm ci</c> in tests/interop-js is all MQTT.js needs.
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string InteropPy => Path.Combine(Root, "tests", "interop-py");

    public static string InteropJs => Path.Combine(Root, "tests", "interop-js");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Broker.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"Broker.sln not found above {AppContext.BaseDirectory}");
    }
}
