using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;

namespace Broker.Cluster.Logging;

/// <summary>
/// Akka's logger (<c>akka.loggers</c>): writes Akka's log events to the host's ILogger under the category
/// "Akka.{source class}", so the cluster's membership and remoting messages land in the broker's log, not on stdout.
/// </summary>
internal sealed class AkkaLogBridge : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;

    public AkkaLogBridge()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        _factory = setup.HasValue ? setup.Value.LoggerFactory : Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent e)
    {
        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
            Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
            _ => Microsoft.Extensions.Logging.LogLevel.Error,
        };
        var logger = _factory.CreateLogger("Akka." + (e.LogClass?.Name ?? "Cluster"));
        if (logger.IsEnabled(level))
        {
#pragma warning disable CA1848, CA2254 // Akka's messages are already formatted text.
            logger.Log(level, e.Cause, "{Source}: {Message}", e.LogSource, e.Message);
#pragma warning restore CA1848, CA2254
        }
    }
}
