namespace Broker.Host.Options;

/// <summary>What an authenticator that fails or times out answers for the client: ask the next one, or refuse it.</summary>
public enum FailureVerdict
{
    Ignore,
    Deny,
}
