using Broker.Core.Security.Authentication;
using Broker.Core.Sessions;

namespace Broker.Transport.Channels;

/// <summary>
/// A CONNECT the channel accepted, to be shown to the authentication chain before <see cref="Open"/> goes to the
/// registry; the connection runs the chain off its read loop and hands the outcome to <c>MqttChannel.Authenticated</c>,
/// with the client's rules when a source keeps them per client.
/// </summary>
/// <param name="Decided">
/// Set when an enhanced authentication already decided in the channel: the chain is not asked again, only the rules
/// are fetched.
/// </param>
public sealed record AuthenticateConnect(Credentials Credentials, OpenSession Open, ChainOutcome? Decided = null);
