namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>
/// No keys could be had from the JWKS endpoint. Thrown out of <see cref="JwtAuthenticator.AuthenticateAsync"/> so
/// the chain applies the step's <c>on failure</c> policy, as EMQX applies its backend-failure policy.
/// </summary>
public sealed class JwksUnavailableException(string message) : Exception(message);
