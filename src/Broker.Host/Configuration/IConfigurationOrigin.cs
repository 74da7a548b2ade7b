namespace Broker.Host.Configuration;

/// <summary>A provider that can say where one of its keys was set, so that errors can point there.</summary>
public interface IConfigurationOrigin
{
    /// <param name="key">A configuration key with ':' separators; a section key matches its first child.</param>
    /// <returns>"hocon/broker.conf:12:5", "environment variable BROKER_X", ...; null when the provider lacks the key.</returns>
    string? DescribeOrigin(string key);
}
