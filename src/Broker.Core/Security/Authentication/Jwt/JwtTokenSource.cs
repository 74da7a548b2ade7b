namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>EMQX's <c>from</c>: the CONNECT field that carries the token.</summary>
public enum JwtTokenSource
{
    Password,
    Username,
}
