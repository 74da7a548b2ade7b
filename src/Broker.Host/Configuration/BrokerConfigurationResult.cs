using Broker.Host.Options;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

/// <param name="Configuration">All layers, for the host and for finding where a key was set.</param>
/// <param name="Options">Bound options; keys that failed keep their defaults.</param>
/// <param name="Errors">Every problem, rendered for an operator; empty when the configuration is valid.</param>
/// <param name="ConfigFile">The HOCON file read, or null when the default file is absent.</param>
public sealed record BrokerConfigurationResult(
    IConfigurationRoot Configuration, BrokerOptions Options, IReadOnlyList<string> Errors, string? ConfigFile)
{
    public bool IsValid => Errors.Count == 0;
}
