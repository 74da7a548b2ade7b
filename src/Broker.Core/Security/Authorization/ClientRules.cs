namespace Broker.Core.Security.Authorization;

/// <summary>
/// The sources as one client sees them: each <see cref="IClientRulesSource"/> replaced by the rules it fetched for
/// the client, or by a source that denies everything when it could not fetch them. Immutable, held by the
/// connection's <see cref="ClientAuthorization"/>.
/// </summary>
public sealed class ClientRules
{
    internal ClientRules(IAsyncAuthorizationSource[] sources, IReadOnlyList<string> failures)
    {
        Sources = sources;
        Failures = failures;
    }

    internal IAsyncAuthorizationSource[] Sources { get; }

    /// <summary>Which sources could not fetch the client's rules, and why, for the log: each denies everything.</summary>
    public IReadOnlyList<string> Failures { get; }
}
