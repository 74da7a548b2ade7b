namespace Broker.Core.Security.Authentication;

/// <summary>An authenticator's answer (EMQX's model): the first allow or deny in the chain decides; ignore asks the next.</summary>
public enum AuthenticationVerdict
{
    Ignore,
    Allow,
    Deny,
}
