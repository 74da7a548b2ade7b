using Broker.Mqtt;

namespace Broker.Core.Security.Protection;

/// <summary>Why CONNECT is refused: the reason code and the cause, for the log.</summary>
public sealed record Overload(ReasonCode Code, string Cause);
