using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Broker.Host.Listeners;
using Broker.Host.Options;
using Broker.Tests;

namespace Broker.Host.Tests.Listeners;

public sealed class TlsListenerTests : ListenerTestBase, IDisposable
{
    private readonly TestCertificates certificates = new();

    public void Dispose() => certificates.Dispose();

    private ListenersOptions Ssl(PeerVerification verify = PeerVerification.VerifyNone, bool failIfNoPeerCert = false, bool caCertFile = true)
    {
        var listeners = NoListeners();
        listeners.Ssl.Enabled = true;
        listeners.Ssl.CertFile = certificates.CertFile;
        listeners.Ssl.KeyFile = certificates.KeyFile;
        listeners.Ssl.CaCertFile = caCertFile ? certificates.CaCertFile : "";
        listeners.Ssl.Verify = verify;
        listeners.Ssl.FailIfNoPeerCert = failIfNoPeerCert;
        return listeners;
    }

    /// <summary>A TLS client that trusts exactly the test server certificate.</summary>
    private async Task<(TcpClient Tcp, SslStream Tls)> ConnectTls(IPEndPoint endpoint, SslProtocols protocols, X509Certificate2? clientCertificate = null)
    {
        var tcp = await Connect(endpoint);
        var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                EnabledSslProtocols = protocols,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == certificates.Server.GetCertHashString(),
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            }, Timeout.Token);
        }
        catch
        {
            await tls.DisposeAsync();
            tcp.Dispose();
            throw;
        }
        return (tcp, tls);
    }

    /// <summary>
    /// Refused either in the handshake or, with TLS 1.3 where the server checks the client's
    /// certificate after the client considers the handshake done, at the first read.
    /// </summary>
    private async Task AssertRefused(IPEndPoint endpoint, X509Certificate2? clientCertificate)
    {
        try
        {
            var (tcp, tls) = await ConnectTls(endpoint, SslProtocols.Tls12 | SslProtocols.Tls13, clientCertificate);
            using (tcp)
            await using (tls)
            {
                var echoed = await RoundTrip(tls, [1]);
                Assert.Empty(echoed);
            }
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
        }
        Assert.Empty(Echo.Connections);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls_1_2_and_1_3_handshakes_succeed(SslProtocols protocol)
    {
        var server = await Start(Ssl());
        var (tcp, tls) = await ConnectTls(server.EndPoint("ssl"), protocol);
        using (tcp)
        await using (tls)
        {
            Assert.Equal(protocol, tls.SslProtocol);
            Assert.Equal(new byte[] { 0xC0, 0x00 }, await RoundTrip(tls, [0xC0, 0x00]));
        }
        var metadata = await Echo.FirstConnection.WaitAsync(Timeout.Token);
        Assert.Equal("ssl", metadata.Listener);
        Assert.Null(metadata.ClientCertificate);
    }

    [Fact]
    public async Task Tls_1_1_is_refused()
    {
        if (!await OperatingSystemSpeaksTls11())
            return; // Nothing to check: this system will not negotiate TLS 1.1 at all.
        var server = await Start(Ssl());
#pragma warning disable SYSLIB0039 // TLS 1.1 on purpose: the broker must refuse it.
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectTls(server.EndPoint("ssl"), SslProtocols.Tls11));
#pragma warning restore SYSLIB0039
        Assert.Empty(Echo.Connections);
    }

    [Fact]
    public async Task Fail_if_no_peer_cert_refuses_a_client_without_a_certificate()
    {
        var server = await Start(Ssl(PeerVerification.VerifyPeer, failIfNoPeerCert: true));
        await AssertRefused(server.EndPoint("ssl"), clientCertificate: null);
    }

    [Fact]
    public async Task Verify_peer_refuses_a_certificate_signed_by_another_authority()
    {
        var server = await Start(Ssl(PeerVerification.VerifyPeer, failIfNoPeerCert: true));
        await AssertRefused(server.EndPoint("ssl"), certificates.Stranger);
    }

    [Fact]
    public async Task Verify_peer_accepts_a_certificate_signed_by_the_cacertfile_and_hands_it_to_the_connection()
    {
        var server = await Start(Ssl(PeerVerification.VerifyPeer, failIfNoPeerCert: true));
        var (tcp, tls) = await ConnectTls(server.EndPoint("ssl"), SslProtocols.Tls12 | SslProtocols.Tls13, certificates.Client);
        using (tcp)
        await using (tls)
            Assert.Equal(new byte[] { 7 }, await RoundTrip(tls, [7]));

        var metadata = await Echo.FirstConnection.WaitAsync(Timeout.Token);
        Assert.Equal(certificates.Client.GetCertHashString(), metadata.ClientCertificate?.GetCertHashString());
    }

    [Fact]
    public async Task Verify_peer_without_fail_if_no_peer_cert_accepts_a_client_without_a_certificate()
    {
        var server = await Start(Ssl(PeerVerification.VerifyPeer, failIfNoPeerCert: false));
        var (tcp, tls) = await ConnectTls(server.EndPoint("ssl"), SslProtocols.Tls12 | SslProtocols.Tls13);
        using (tcp)
        await using (tls)
            Assert.Equal(new byte[] { 7 }, await RoundTrip(tls, [7]));
        Assert.Null((await Echo.FirstConnection.WaitAsync(Timeout.Token)).ClientCertificate);
    }

    [Fact]
    public async Task An_unreadable_certificate_fails_the_start_naming_the_listener()
    {
        var listeners = Ssl();
        listeners.Ssl.KeyFile = certificates.CaCertFile;
        var error = await Assert.ThrowsAsync<ListenerStartException>(() => Start(listeners));
        Assert.StartsWith("listeners.ssl: cannot load certfile ", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Whether a TLS 1.1 handshake works here at all, between two plain SslStreams.</summary>
    private async Task<bool> OperatingSystemSpeaksTls11()
    {
#pragma warning disable SYSLIB0039
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = await Connect((IPEndPoint)listener.LocalEndpoint);
        using var accepted = await listener.AcceptTcpClientAsync(Timeout.Token);
        await using var serverTls = new SslStream(accepted.GetStream());
        await using var clientTls = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        using var serverCertificate = X509Certificate2.CreateFromPemFile(certificates.CertFile, certificates.KeyFile);
        try
        {
            await Task.WhenAll(
                serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = serverCertificate, EnabledSslProtocols = SslProtocols.Tls11 }, Timeout.Token),
                clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1", EnabledSslProtocols = SslProtocols.Tls11 }, Timeout.Token));
            return true;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or PlatformNotSupportedException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
#pragma warning restore SYSLIB0039
    }
}
