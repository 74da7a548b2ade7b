using Broker.Interop.Tests.Infrastructure;
using Broker.Tests;

namespace Broker.Interop.Tests;

/// <summary>
/// The plant's mTLS case with Eclipse Mosquitto's clients: the TLS listener requires a certificate of the plant's CA,
/// and its CN becomes the username the ACL sees (<c>mqtt.peer_cert_as_username = cn</c>), whatever the CONNECT says.
/// </summary>
public sealed class CertificateIdentityTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private const string Acl = """
        {allow, {username, {re, "^line1-"}}, publish, ["plant/${username}/#"]}.
        {allow, {username, "qa-dashboard"}, subscribe, ["plant/#"]}.
        {deny, all}.
        """;

    private readonly TestCertificates _certificates = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("broker-mtls-");

    public void Dispose()
    {
        _certificates.Dispose();
        _dir.Delete(recursive: true);
    }

    [InteropFact(Tools.MosquittoPub, Tools.MosquittoSub, OursOnly = true, OwnBroker = true)]
    public async Task The_certificates_common_name_is_the_identity_the_acl_follows_and_a_foreign_revoked_or_expired_certificate_is_refused()
    {
        var acl = Path.Combine(_dir.FullName, "acl.conf");
        await File.WriteAllTextAsync(acl, Acl);
        var conf = Path.Combine(_dir.FullName, "broker.conf");
        await File.WriteAllTextAsync(conf, $$"""
            mqtt.peer_cert_as_username = cn
            authorization { no_match = deny, sources = [{ type = file, path = "{{acl}}" }] }
            """);
        var revokedCertificate = _certificates.IssueClient("CN=line1-press-09, O=Plant");
        var crl = _certificates.WriteRevocationList(revokedCertificate);
        var sslPort = UnassignedPorts.Next();
        await using var broker = await BrokerProcess.StartOursAsync("-c", conf,
            "--listeners.ssl.enabled=true", $"--listeners.ssl.port={sslPort}", "--listeners.ssl.bind=127.0.0.1",
            $"--listeners.ssl.certfile={_certificates.CertFile}", $"--listeners.ssl.keyfile={_certificates.KeyFile}",
            $"--listeners.ssl.cacertfile={_certificates.CaCertFile}", "--listeners.ssl.verify=verify_peer", "--listeners.ssl.fail_if_no_peer_cert=true",
            $"--listeners.ssl.crlfile={crl}");
        // Ready means the tcp listener answers; the ssl one, on Kestrel, says so in the log.
        await broker.Output.WaitForLineAsync(l => l.Contains("Listener ssl accepting connections", StringComparison.Ordinal), Deadline, "the ssl listener");
        using var clients = new Clients(output, broker.Endpoint with { Port = sslPort });
        var press = _certificates.WritePem("press", _certificates.IssueClient("CN=line1-press-07, O=Plant"));
        var dashboard = _certificates.WritePem("dashboard", _certificates.IssueClient("CN=qa-dashboard, O=Plant"));
        var stranger = _certificates.WritePem("stranger", _certificates.Stranger);
        string[] Tls((string Cert, string Key) client) => ["--cafile", _certificates.CaCertFile, "--cert", client.Cert, "--key", client.Key];

        var sub = clients.MosquittoSub([.. Tls(dashboard), "-d", "-V", "mqttv5", "-q", "1", "-t", "plant/#", "-C", "1", "-F", MosquittoSubLine.Format]);
        await sub.WaitForLineAsync(l => l.StartsWith("Subscribed (mid: 1): ", StringComparison.Ordinal), Deadline, "the dashboard's SUBACK");
        Assert.Contains("Subscribed (mid: 1): 1", sub.Lines);

        // The username in CONNECT is replaced by the CN: claiming to be the dashboard gains the press nothing.
        var forged = clients.MosquittoPub([.. Tls(press), "-d", "-V", "mqttv5", "-u", "qa-dashboard", "-q", "1", "-t", "plant/line1-press-08/temp", "-m", "forged"]);
        await forged.WaitForExitAsync(Deadline);
        Assert.Contains(forged.Transcript.Split('\n'), l => l.Contains("received PUBACK (Mid: 1, RC:135)", StringComparison.Ordinal));

        await clients.MosquittoPub([.. Tls(press), "-V", "mqttv5", "-q", "1", "-t", "plant/line1-press-07/temp", "-m", "21.5"]).ExpectSuccessAsync(Deadline);
        await sub.ExpectSuccessAsync(Deadline);
        var received = MosquittoSubLine.Parse(Assert.Single(sub.Lines, MosquittoSubLine.IsMessage));
        Assert.Equal(("plant/line1-press-07/temp", "21.5"), (received.Topic, received.Payload));

        // Refused in the handshake: a certificate of another CA, a revoked one, an expired one, and none at all.
        var foreign = clients.MosquittoPub([.. Tls(stranger), "-t", "plant/line1-press-07/temp", "-m", "x"]);
        Assert.NotEqual(0, await foreign.WaitForExitAsync(Deadline));
        var revoked = clients.MosquittoPub([.. Tls(_certificates.WritePem("revoked", revokedCertificate)), "-t", "plant/line1-press-09/temp", "-m", "x"]);
        Assert.NotEqual(0, await revoked.WaitForExitAsync(Deadline));
        var expiredCertificate = _certificates.IssueClient("CN=line1-press-10, O=Plant", notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var expired = clients.MosquittoPub([.. Tls(_certificates.WritePem("expired", expiredCertificate)), "-t", "plant/line1-press-10/temp", "-m", "x"]);
        Assert.NotEqual(0, await expired.WaitForExitAsync(Deadline));
        // The same certificates' holder, not revoked, gets in: the refusals were theirs, not the listener's.
        var valid = clients.MosquittoPub([.. Tls(_certificates.WritePem("valid", _certificates.IssueClient("CN=line1-press-11, O=Plant"))), "-t", "plant/line1-press-11/temp", "-m", "x"]);
        Assert.Equal(0, await valid.WaitForExitAsync(Deadline));
        var none = clients.MosquittoPub(["--cafile", _certificates.CaCertFile, "-t", "plant/line1-press-07/temp", "-m", "x"]);
        Assert.NotEqual(0, await none.WaitForExitAsync(Deadline));
    }
}
