using Broker.Core.Security.Dashboard;
using Broker.Host.Security;

namespace Broker.Host.Management;

/// <summary>
/// EMQX's <c>api_key.bootstrap_file</c>: one key a line, <c>key:secret</c> or <c>key:secret:role</c> (administrator, the
/// default, or viewer); blank lines and lines starting with # are skipped. Read at start; a bad line stops the start
/// naming the key and the line.
/// </summary>
internal static class ApiKeyBootstrapFile
{
    public const string Key = "api_key.bootstrap_file";

    public static IReadOnlyList<(string Key, string Secret, string Role)> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SecurityConfigurationException(Key, $"cannot read {path}: {e.Message}", e);
        }

        var keys = new List<(string, string, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var parts = line.Split(':');
            var role = parts.Length == 3 ? parts[2] : AdminRole.Administrator;
            if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0 || !AdminRole.IsKnown(role))
                throw new SecurityConfigurationException(Key, $"{path}:{i + 1}: expected key:secret or key:secret:role (role {AdminRole.Administrator} or {AdminRole.Viewer})");
            keys.Add((parts[0], parts[1], role));
        }

        return keys;
    }
}
