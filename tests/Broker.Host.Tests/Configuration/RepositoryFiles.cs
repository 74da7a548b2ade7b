namespace Broker.Host.Tests.Configuration;

internal static class RepositoryFiles
{
    /// <summary>The repository's hocon/broker.conf, found by walking up from the test assembly to Broker.sln.</summary>
    public static string ShippedConfig
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Broker.sln")))
                    return Path.Combine(dir.FullName, "hocon", "broker.conf");
            }
            throw new InvalidOperationException($"Broker.sln not found above {AppContext.BaseDirectory}");
        }
    }
}
