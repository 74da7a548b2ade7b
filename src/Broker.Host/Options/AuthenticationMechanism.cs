namespace Broker.Host.Options;

/// <summary>EMQX 5's <c>mechanism</c> of an authenticator.</summary>
public enum AuthenticationMechanism
{
    PasswordBased,
    Jwt,
    Scram,
}
