using System.Globalization;
using System.Text;

namespace Broker.Core.Security.Authentication;

/// <summary>
/// The built-in database's users from a CSV file (EMQX's <c>bootstrap_file</c>): with a header line,
/// <c>user_id,password_hash,salt,is_superuser</c> (<c>bootstrap_type = hash</c>, as EMQX exports them) or
/// <c>user_id,password,is_superuser</c> (<c>plain</c>, hashed on load). Fields hold no commas; blank lines are skipped.
/// </summary>
public static class BootstrapFile
{
    public static IReadOnlyList<BuiltInUser> Load(string path, bool plain, PasswordHashAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var text = File.ReadAllText(path);
        return Parse(text, plain, algorithm, path);
    }

    public static IReadOnlyList<BuiltInUser> Parse(string text, bool plain, PasswordHashAlgorithm algorithm, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(algorithm);
        string[] expected = plain ? ["user_id", "password", "is_superuser"] : ["user_id", "password_hash", "salt", "is_superuser"];
        var users = new List<BuiltInUser>();
        foreach (var (fields, superuser) in Rows(text, expected, source))
        {
            if (plain)
            {
                var salt = algorithm.Name == "bcrypt" ? "" : PasswordHasher.NewSalt();
                users.Add(new BuiltInUser(fields[0], PasswordHasher.Hash(algorithm, Encoding.UTF8.GetBytes(fields[1]), salt), salt, superuser));
            }
            else
            {
                users.Add(new BuiltInUser(fields[0], fields[1], fields[2], superuser));
            }
        }

        return users;
    }

    /// <summary>
    /// The rows of a users file whose header is <paramref name="expected"/> and whose last field is is_superuser: each
    /// row's fields with that flag read. Shared with the SCRAM database's file, which has the plain shape.
    /// </summary>
    internal static IReadOnlyList<(string[] Fields, bool IsSuperuser)> Rows(string text, string[] expected, string source)
    {
        var lines = text.Split('\n');
        var header = lines.Length > 0 ? lines[0].Trim().Split(',') : [];
        if (!header.SequenceEqual(expected, StringComparer.Ordinal))
        {
            throw new FormatException($"{source}, line 1: expected the header \"{string.Join(',', expected)}\"");
        }

        var rows = new List<(string[], bool)>();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != expected.Length || fields[0].Length == 0 || !bool.TryParse(fields[^1], out var superuser))
            {
                throw new FormatException(
                    $"{source}, line {(i + 1).ToString(CultureInfo.InvariantCulture)}: expected {expected.Length} fields ({string.Join(',', expected)}), a user id and is_superuser true or false");
            }

            rows.Add((fields, superuser));
        }

        return rows;
    }
}
