using Broker.Core.Messaging;
using Broker.Core.Routing;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Sessions;

/// <summary>What every session of a registry shares: one object for them all, not a copy in each session's props.</summary>
/// <param name="Storage">Whether sessions that outlive their connection are kept in storage, and how acknowledgements wait for it.</param>
internal sealed record SessionEnvironment(IRouter Router, MqttSettings Settings, BrokerMetrics Metrics, ILogger Logger, SessionStorage Storage);
