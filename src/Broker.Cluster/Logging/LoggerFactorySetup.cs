using Akka.Actor.Setup;
using Microsoft.Extensions.Logging;

namespace Broker.Cluster.Logging;

/// <summary>
/// Hands the host's <see cref="ILoggerFactory"/> to <see cref="AkkaLogBridge"/>, which Akka creates by type name from
/// the configuration: an actor system's setups are the one way to give it an object at start.
/// </summary>
internal sealed class LoggerFactorySetup(ILoggerFactory loggerFactory) : Setup
{
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}
