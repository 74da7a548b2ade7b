namespace Broker.Host.Security;

/// <summary>A file the security settings name (users, ACL) could not be read or parsed at start: nothing is served (exit code 2).</summary>
public sealed class SecurityConfigurationException(string key, string message, Exception? inner = null)
    : Exception($"{key}: {message}", inner)
{
    public string Key { get; } = key;
}
