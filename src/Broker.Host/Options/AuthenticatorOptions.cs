using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>
/// One entry of <c>authentication = [ ... ]</c>, in chain order (EMQX 5's shape). Which keys apply depends on the
/// mechanism and backend; the validator says when one is set that does not.
/// </summary>
public sealed class AuthenticatorOptions
{
    [ConfigurationKeyName("mechanism")]
    public AuthenticationMechanism Mechanism { get; set; } = AuthenticationMechanism.PasswordBased;

    [ConfigurationKeyName("backend")]
    public AuthenticationBackend Backend { get; set; } = AuthenticationBackend.BuiltInDatabase;

    /// <summary>False leaves the entry out of the chain, as if it were not there.</summary>
    [ConfigurationKeyName("enable")]
    public bool Enable { get; set; } = true;

    [ConfigurationKeyName("user_id_type")]
    public UserIdType UserIdType { get; set; } = UserIdType.Username;

    [ConfigurationKeyName("password_hash_algorithm")]
    public PasswordHashAlgorithmOptions PasswordHashAlgorithm { get; init; } = new();

    /// <summary>Built-in database: a CSV file of users loaded at start; empty for none.</summary>
    [ConfigurationKeyName("bootstrap_file")]
    public string BootstrapFile { get; set; } = "";

    [ConfigurationKeyName("bootstrap_type")]
    public BootstrapType BootstrapType { get; set; } = BootstrapType.Plain;

    /// <summary>How long the step may take before it counts as failed.</summary>
    [ConfigurationKeyName("request_timeout")]
    public Duration RequestTimeout { get; set; } = Duration.FromSeconds(5);

    [ConfigurationKeyName("on_failure")]
    public FailureVerdict OnFailure { get; set; } = FailureVerdict.Ignore;
}
