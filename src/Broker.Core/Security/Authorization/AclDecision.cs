namespace Broker.Core.Security.Authorization;

/// <summary>A source's answer: the first source that allows or denies decides; <see cref="NoMatch"/> asks the next.</summary>
public enum AclDecision
{
    NoMatch,
    Allow,
    Deny,
}
