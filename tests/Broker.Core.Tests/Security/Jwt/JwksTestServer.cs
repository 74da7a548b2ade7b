using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static Broker.Core.Tests.Security.Jwt.TestJwt;

namespace Broker.Core.Tests.Security.Jwt;

/// <summary>A JWKS endpoint on loopback: serves whatever keys (or failure) the test sets, and counts the requests.</summary>
internal sealed class JwksTestServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private volatile string _body = """{"keys":[]}""";
    private volatile int _status = 200;
    private int _requests;

    public JwksTestServer()
    {
        Endpoint = new Uri($"http://127.0.0.1:{FreePort()}/jwks");
        _listener.Prefixes.Add($"http://{Endpoint.Authority}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public int Requests => Volatile.Read(ref _requests);

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public static object Jwk(string kid, RSA key)
    {
        var parameters = key.ExportParameters(false);
        return new { kty = "RSA", kid, use = "sig", alg = "RS256", n = Base64Url(parameters.Modulus!), e = Base64Url(parameters.Exponent!) };
    }

    public static object Jwk(string kid, ECDsa key)
    {
        var parameters = key.ExportParameters(false);
        return new { kty = "EC", kid, use = "sig", crv = "P-256", x = Base64Url(parameters.Q.X!), y = Base64Url(parameters.Q.Y!) };
    }

    public void Serve(params object[] keys)
    {
        _body = JsonSerializer.Serialize(new { keys });
        _status = 200;
    }

    public void Fail(int status, string body = "")
    {
        _body = body;
        _status = status;
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener's pending accept fails when it closes.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            var body = Encoding.UTF8.GetBytes(_body);
            context.Response.StatusCode = _status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}
