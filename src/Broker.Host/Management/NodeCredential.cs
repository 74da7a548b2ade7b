using System.Security.Cryptography;
using System.Text;

namespace Broker.Host.Management;

/// <summary>
/// The node's own credential for <c>broker ctl</c>, as Erlang's cookie is for <c>emqx ctl</c>: a random secret in
/// <see cref="FileName"/> under <c>node.data_dir</c>, readable by the node's OS user only (mode 0600), made at the
/// management endpoint's first start and kept across restarts. Whoever can read the node's data can act as its
/// administrator, as they could anyway by editing its storage. It is not a record of the store: each node has its own,
/// accepted by that node only, so a copy taken from one host opens no other node.
/// </summary>
internal sealed record NodeCredential(string Key, string Secret)
{
    public const string FileName = "ctl_api_key";
    public const string DefaultKey = "broker_ctl";

    /// <summary>Where the credential of a node with <paramref name="dataDir"/> is.</summary>
    public static string PathIn(string dataDir) => Path.Combine(Path.GetFullPath(dataDir), FileName);

    /// <summary>Reads the node's credential, or makes it (mode 0600) when there is none yet.</summary>
    /// <exception cref="InvalidDataException">The file is there but holds no <c>key:secret</c>.</exception>
    public static NodeCredential LoadOrCreate(string dataDir)
    {
        var path = PathIn(dataDir);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            var made = new NodeCredential(DefaultKey, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var file = new StreamWriter(path, Encoding.ASCII, options))
                {
                    file.Write($"{made.Key}:{made.Secret}\n");
                }

                return made;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another node sharing the data directory made it first: both use that one.
            }
        }

        return Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} holds no key:secret; delete it and a new one is made at the next start");
    }

    /// <summary><c>key:secret</c> (the first line, surrounding blanks ignored), or null.</summary>
    public static NodeCredential? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = text.Split('\n', 2)[0].Trim();
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < line.Length - 1 ? new NodeCredential(line[..colon], line[(colon + 1)..]) : null;
    }

    public bool Matches(string key, string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(Key))
        & CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(Secret));
}
