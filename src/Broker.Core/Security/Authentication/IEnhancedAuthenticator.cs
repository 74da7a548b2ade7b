namespace Broker.Core.Security.Authentication;

/// <summary>
/// An authenticator that runs MQTT 5 enhanced authentication (4.12) for one Authentication Method: the client's first
/// message starts an exchange of AUTH packets, which <see cref="IAuthExchange"/> carries on. For a CONNECT without that
/// method it is an ordinary step of the chain, and answers ignore.
/// </summary>
public interface IEnhancedAuthenticator : IAuthenticator
{
    /// <summary>The Authentication Method it answers, as the client names it: "SCRAM-SHA-256".</summary>
    string Method { get; }

    /// <summary>
    /// The answer to the client's first message (the CONNECT's, or a re-authenticating AUTH's, Authentication Data).
    /// Asynchronous because finding the user may take a round trip; called off the connection's read path, within the
    /// step's timeout.
    /// </summary>
    ValueTask<AuthExchangeStep> StartAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}
