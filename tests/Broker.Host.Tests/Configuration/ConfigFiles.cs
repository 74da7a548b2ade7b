using Broker.Host.Configuration;

namespace Broker.Host.Tests.Configuration;

/// <summary>A temporary directory for configuration files, and loading with an injected environment.</summary>
public sealed class ConfigFiles : IDisposable
{
    public ConfigFiles() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "broker-config-tests-" + Guid.NewGuid().ToString("N"));

    public string Write(string name, string text)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Loads <paramref name="conf"/> (written as test.conf) under the given environment and arguments.</summary>
    public BrokerConfigurationResult Load(string conf, IReadOnlyDictionary<string, string>? environment = null, params string[] args) =>
        BrokerConfiguration.Load(args, Write("test.conf", conf), environment ?? new Dictionary<string, string>());

    /// <summary>The only error, with this directory left out of file names so messages read as "test.conf:1:5".</summary>
    public string SingleError(BrokerConfigurationResult result)
    {
        Assert.False(result.IsValid, "the configuration was expected to be invalid");
        return Assert.Single(result.Errors).Replace(Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
