using Broker.Core.Security.Authentication;

namespace Broker.Transport.Channels;

/// <summary>
/// The client's first message of an enhanced authentication (the CONNECT's Authentication Data, or a re-authenticating
/// AUTH's), for the connection to hand to <see cref="Step"/> off the channel, since finding the user may take a round
/// trip (<see cref="AuthenticationChain.StartExchangeAsync"/>); the answer goes to <c>MqttChannel.AuthenticationStarted</c>.
/// </summary>
/// <param name="Data">Copied out of the receive buffer.</param>
/// <param name="Reauthentication">An AUTH 0x19 of a connected client [MQTT-4.12.1-1], not a CONNECT.</param>
public sealed record StartAuthentication(AuthenticationStep Step, ReadOnlyMemory<byte> Data, bool Reauthentication);
