using Broker.Host.Configuration;
using Broker.Host.Management;

namespace Broker.Host.Commands;

/// <summary>
/// The credential <c>broker ctl</c> sends to /api/v5 as HTTP Basic: <c>--api-key key:secret</c>, else the variable
/// <see cref="Variable"/>, else the node's own (<see cref="NodeCredential"/>) in the configuration's <c>node.data_dir</c>,
/// which only the node's OS user can read, as <c>emqx ctl</c> relies on the Erlang cookie.
/// </summary>
internal static class CtlCredential
{
    public const string Variable = "BROKER_CTL_API_KEY";

    /// <summary>
    /// The credential and where it came from (for the hint a refusal gets); a null credential with a source that is a
    /// problem of the command line (a bad --api-key), or with a null source when none was found (cluster commands need none).
    /// </summary>
    public static (NodeCredential? Credential, string? Source) Find(string? apiKey, IReadOnlyList<string> configurationArgs, IReadOnlyDictionary<string, string>? environment)
    {
        if (apiKey is not null)
            return NodeCredential.Parse(apiKey) is { } given ? (given, "--api-key") : (null, "--api-key needs key:secret");
        var variable = environment is null ? Environment.GetEnvironmentVariable(Variable) : environment.GetValueOrDefault(Variable);
        if (!string.IsNullOrEmpty(variable))
            return NodeCredential.Parse(variable) is { } fromVariable ? (fromVariable, Variable) : (null, $"{Variable} needs key:secret");

        var configuration = BrokerConfiguration.Load(configurationArgs, environment: environment);
        if (!configuration.IsValid)
            return (null, null);
        var path = NodeCredential.PathIn(configuration.Options.Node.DataDir);
        try
        {
            return NodeCredential.Parse(File.ReadAllText(path)) is { } own ? (own, path) : (null, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    /// <summary>What to tell when the node refused the credentials (or there were none).</summary>
    public static string Hint(string? source) => source is null
        ? $"no credential found: broker ctl reads the node's own from node.data_dir/{NodeCredential.FileName} (run it as the node's user, with its configuration), or takes --api-key key:secret or {Variable}"
        : $"the credential from {source} was refused";
}
