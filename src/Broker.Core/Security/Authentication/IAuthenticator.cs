namespace Broker.Core.Security.Authentication;

/// <summary>
/// One step of the authentication chain. Called off the connection's read path, once per CONNECT; a step that reaches
/// a server must honour the token (the chain cancels it at the step's timeout) and never block a thread on I/O.
/// </summary>
public interface IAuthenticator
{
    /// <summary>For the log: "password_based:built_in_database", "jwt", ...</summary>
    string Name { get; }

    ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken);
}
