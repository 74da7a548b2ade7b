using System.Diagnostics;
using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Sockets;

namespace Broker.Tests;

/// <summary>
/// Debian's OpenLDAP server (slapd) on a loopback port of its own, with a small directory of the plant's people under
/// <see cref="Suffix"/>: started for a test class, stopped (by its pid) and deleted after.
/// </summary>
public sealed class SlapdServer : IAsyncLifetime
{
    public const string Executable = "/usr/sbin/slapd";
    public const string Suffix = "dc=plant,dc=local";
    public const string AdminDn = "cn=admin," + Suffix;
    public const string AdminPassword = "directory-admin";

    private readonly string _dir = Directory.CreateTempSubdirectory("broker-slapd-").FullName;
    private Process? _process;

    public int Port { get; } = UnassignedPorts.Next();

    public string Server => $"127.0.0.1:{Port}";

    /// <summary>Skipped with the reason when slapd is missing, except under CI=true, where the tests run and fail.</summary>
    public static string? SkipReason =>
        File.Exists(Executable) || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : "slapd is not installed: apt-get install slapd (.ci/install-interop-tools does)";

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        Directory.CreateDirectory(Path.Combine(_dir, "db"));
        var conf = Path.Combine(_dir, "slapd.conf");
        await File.WriteAllTextAsync(conf, $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            modulepath /usr/lib/ldap
            moduleload back_mdb
            pidfile {_dir}/slapd.pid
            database mdb
            directory {_dir}/db
            maxsize 10485760
            suffix "{Suffix}"
            rootdn "{AdminDn}"
            rootpw {AdminPassword}
            """);
        // -d 0: in the foreground, so that the pid is the server's and it ends with its process.
        _process = Process.Start(new ProcessStartInfo(Executable, ["-f", conf, "-h", $"ldap://127.0.0.1:{Port}/", "-d", "0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        await UntilListeningAsync();
        using var admin = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", Port)) { AuthType = AuthType.Basic };
        admin.SessionOptions.ProtocolVersion = 3;
        admin.Bind(new NetworkCredential(AdminDn, AdminPassword));
        Add(admin, Suffix, ("objectClass", ["dcObject", "organization"]), ("o", ["Plant"]), ("dc", ["plant"]));
        Add(admin, $"ou=people,{Suffix}", ("objectClass", ["organizationalUnit"]), ("ou", ["people"]));
    }

    /// <summary>A person who may log in: <c>uid=<paramref name="uid"/>,ou=people</c>.</summary>
    public void AddPerson(string uid, string userPassword, bool superuser = false)
    {
        using var admin = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", Port)) { AuthType = AuthType.Basic };
        admin.SessionOptions.ProtocolVersion = 3;
        admin.Bind(new NetworkCredential(AdminDn, AdminPassword));
        Add(admin, $"uid={uid},ou=people,{Suffix}", ("objectClass", ["inetOrgPerson"]), ("uid", [uid]), ("cn", [uid]), ("sn", [uid]),
            ("userPassword", [userPassword]), ("employeeType", [superuser ? "TRUE" : "FALSE"]));
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private static void Add(LdapConnection admin, string dn, params (string Name, string[] Values)[] attributes) =>
        admin.SendRequest(new AddRequest(dn, [.. attributes.Select(a => new DirectoryAttribute(a.Name, a.Values))]));

    private async Task UntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process!.HasExited)
            {
                await Task.Delay(100);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException($"slapd did not listen on {Port}: {await _process!.StandardError.ReadToEndAsync()}", e);
            }
        }
    }
}
