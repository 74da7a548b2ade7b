namespace Broker.Core.Security.Authentication.Scram;

/// <summary>
/// The SCRAM database's users from a CSV file (<c>bootstrap_file</c>): the built-in database's plain shape, a header
/// <c>user_id,password,is_superuser</c> and passwords in clear, from which each user's salt and keys are derived on
/// load (EMQX's own SCRAM authenticator has no such file: its users come through its API, also in clear).
/// </summary>
public static class ScramBootstrapFile
{
    private static readonly string[] Header = ["user_id", "password", "is_superuser"];

    public static IReadOnlyList<ScramUser> Load(string path, ScramAlgorithm algorithm, int iterations) =>
        Parse(File.ReadAllText(path), algorithm, iterations, path);

    public static IReadOnlyList<ScramUser> Parse(string text, ScramAlgorithm algorithm, int iterations, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(algorithm);
        return [.. BootstrapFile.Rows(text, Header, source).Select(row => ScramUser.FromPassword(
            algorithm, iterations, row.Fields[0], System.Text.Encoding.UTF8.GetBytes(row.Fields[1]),
            ScramUser.NewSalt(), row.IsSuperuser))];
    }
}
