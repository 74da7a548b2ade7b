namespace Broker.Host.Options;

/// <summary>What authorization does when no source has a rule for the request.</summary>
public enum NoMatchAction
{
    Allow,
    Deny,
}
