namespace Broker.Host.Persistence;

/// <summary>
/// The configured storage could not be opened or written at start; the message names the setting to look at,
/// e.g. <c>persistence.postgresql.connection_string: cannot connect to 127.0.0.1:1 (Connection refused)</c>.
/// </summary>
public sealed class StorageUnavailableException(string setting, string message, Exception? inner = null)
    : Exception($"{setting}: {message}", inner)
{
    /// <summary>The configuration key at fault: <c>persistence.sqlite.path</c> or <c>persistence.postgresql.connection_string</c>.</summary>
    public string Setting { get; } = setting;
}
