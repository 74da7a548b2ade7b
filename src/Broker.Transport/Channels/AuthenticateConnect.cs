using Broker.Core.Security.Authentication;
using Broker.Core.Sessions;

namespace Broker.Transport.Channels;

/// <summary>
/// A CONNECT the channel accepted, to be shown to the authentication chain before <see cref="Open"/> goes to the
/// registry; the connection runs the chain off its read loop and hands the outcome to <c>MqttChannel.Authenticated</c>.
/// </summary>
public sealed record AuthenticateConnect(Credentials Credentials, OpenSession Open);
