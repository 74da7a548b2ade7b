using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// The plant's case (issue 16) with Eclipse Mosquitto's clients: users from the built-in database's bootstrap file,
/// an ACL file in EMQX's syntax with <c>no_match = deny</c>. Each test starts its own broker with that configuration.
/// </summary>
public sealed class AuthenticationAndAclTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private const string Users = """
        user_id,password,is_superuser
        line1-press,pw-press,false
        qa-dashboard,pw-qa,false
        mes,pw-mes,true
        """;

    private const string Acl = """
        %% Machines publish under their own name and read their own commands only.
        {allow, {username, {re, "^line1-"}}, publish, ["plant/line1/${username}/#"]}.
        {allow, {username, {re, "^line1-"}}, subscribe, ["plant/line1/commands/${username}"]}.
        %% The quality dashboard reads line 1.
        {allow, {username, "qa-dashboard"}, subscribe, ["plant/line1/#"]}.
        {deny, all}.
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("broker-security-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<BrokerProcess> StartAsync()
    {
        var users = Path.Combine(_dir.FullName, "users.csv");
        var acl = Path.Combine(_dir.FullName, "acl.conf");
        var conf = Path.Combine(_dir.FullName, "broker.conf");
        await File.WriteAllTextAsync(users, Users);
        await File.WriteAllTextAsync(acl, Acl);
        await File.WriteAllTextAsync(conf, $$"""
            authentication = [{ mechanism = password_based, backend = built_in_database, bootstrap_file = "{{users}}" }]
            authorization { no_match = deny, sources = [{ type = file, path = "{{acl}}" }] }
            """);
        return await BrokerProcess.StartOursAsync("-c", conf);
    }

    /// <summary>
    /// mosquitto_pub exits with the CONNACK's code: 4 and 5 on 3.1.1 (bad user name or password, not authorised),
    /// 0x86 and 0x87 on 5.0; a known user with the right password gets in.
    /// </summary>
    [InteropFact(Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task Connects_are_refused_with_the_codes_of_each_protocol_version_unless_the_password_is_right()
    {
        await using var broker = await StartAsync();
        using var clients = new Clients(output, broker.Endpoint);
        (string Version, string[] Credentials, int Exit)[] cases =
        [
            ("mqttv311", ["-u", "line1-press", "-P", "wrong"], 4),
            ("mqttv311", [], 5),
            ("mqttv311", ["-u", "visitor", "-P", "pw-press"], 5),
            ("mqttv5", ["-u", "line1-press", "-P", "wrong"], 0x86),
            ("mqttv5", ["-u", "line1-press"], 0x86),
            ("mqttv5", [], 0x87),
            ("mqttv311", ["-u", "line1-press", "-P", "pw-press"], 0),
            ("mqttv5", ["-u", "mes", "-P", "pw-mes"], 0),
        ];
        foreach (var (version, credentials, exit) in cases)
        {
            var pub = clients.MosquittoPub(["-V", version, .. credentials, "-q", "1", "-t", "plant/line1/line1-press/state", "-m", "up"]);
            Assert.True(exit == await pub.WaitForExitAsync(Deadline), $"{version} {string.Join(' ', credentials)}: expected exit {exit}\n{pub.Describe()}");
        }
    }

    /// <summary>
    /// The press publishes under its own name only (a PUBLISH elsewhere gets PUBACK 0x87 and reaches nobody) and may not
    /// subscribe beyond its commands (SUBACK 0x87); the dashboard reads the line; a superuser skips the ACL.
    /// </summary>
    [InteropFact(Tools.MosquittoPub, Tools.MosquittoSub, OursOnly = true, OwnBroker = true)]
    public async Task The_acl_file_decides_what_each_device_may_publish_and_subscribe()
    {
        await using var broker = await StartAsync();
        using var clients = new Clients(output, broker.Endpoint);

        var press = clients.MosquittoSub("-d", "-V", "mqttv5", "-u", "line1-press", "-P", "pw-press", "-q", "1",
            "-t", "plant/line1/#", "-t", "plant/line1/commands/line1-press", "-C", "1", "-W", "20");
        await press.WaitForLineAsync(l => l.StartsWith("Subscribed (mid: 1): ", StringComparison.Ordinal), Deadline, "the press's SUBACK");
        Assert.Contains("Subscribed (mid: 1): 135, 1", press.Lines);

        var dashboard = clients.MosquittoSub("-d", "-V", "mqttv311", "-u", "qa-dashboard", "-P", "pw-qa", "-q", "1",
            "-t", "plant/line1/#", "-t", "plant/#", "-C", "2", "-F", MosquittoSubLine.Format);
        await dashboard.WaitForLineAsync(l => l.StartsWith("Subscribed (mid: 1): ", StringComparison.Ordinal), Deadline, "the dashboard's SUBACK");
        Assert.Contains("Subscribed (mid: 1): 1, 128", dashboard.Lines);

        var denied = clients.MosquittoPub("-d", "-V", "mqttv5", "-u", "line1-press", "-P", "pw-press", "-q", "1",
            "-t", "plant/line1/line2-oven/temp", "-m", "forged");
        await denied.WaitForExitAsync(Deadline);
        Assert.Contains(denied.Transcript.Split('\n'), l => l.Contains("received PUBACK (Mid: 1, RC:135)", StringComparison.Ordinal));

        await clients.MosquittoPub("-V", "mqttv5", "-u", "line1-press", "-P", "pw-press", "-q", "1",
            "-t", "plant/line1/line1-press/temp", "-m", "21.5").ExpectSuccessAsync(Deadline);
        await clients.MosquittoPub("-V", "mqttv5", "-u", "mes", "-P", "pw-mes", "-q", "1",
            "-t", "plant/line1/commands/line1-press", "-m", "stop").ExpectSuccessAsync(Deadline);

        await dashboard.ExpectSuccessAsync(Deadline);
        Assert.Equal(["plant/line1/line1-press/temp 21.5", "plant/line1/commands/line1-press stop"],
            dashboard.Lines.Where(MosquittoSubLine.IsMessage).Select(MosquittoSubLine.Parse).Select(m => $"{m.Topic} {m.Payload}"));
        await press.ExpectSuccessAsync(Deadline);
        Assert.Contains(press.Lines, l => l.Contains("stop", StringComparison.Ordinal));
    }
}
