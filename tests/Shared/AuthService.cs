using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Tests;

/// <summary>What an authentication service received: the request target exactly as it came on the wire.</summary>
public sealed record ReceivedRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body, string ConnectionId);

/// <summary>
/// An HTTP authentication service on Kestrel (127.0.0.1, a port of the OS's choosing) for the HTTP authenticator's
/// tests: it records every request and answers with <see cref="Respond"/>, which each test sets.
/// </summary>
public sealed class AuthService : IAsyncLifetime
{
    private WebApplication? _app;

    public Func<HttpContext, Task> Respond { get; set; } = _ => Task.CompletedTask;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The URL of a path on this service, placeholders and all.</summary>
    public string Url(string pathAndQuery) => BaseAddress.GetLeftPart(UriPartial.Authority) + pathAndQuery;

    public void Reset(Func<HttpContext, Task> respond)
    {
        Received.Clear();
        Respond = respond;
    }

    public static Func<HttpContext, Task> Answer(int status, string? body = null, string contentType = "application/json") => async context =>
    {
        context.Response.StatusCode = status;
        if (body is not null)
        {
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body, context.RequestAborted);
        }
    };

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        BaseAddress = new Uri(addresses.Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(stopping.Token);
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var headers = context.Request.Headers.ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value.ToString(), StringComparer.Ordinal);
        Received.Enqueue(new ReceivedRequest(context.Request.Method, target, headers, body.ToArray(), context.Connection.Id));
        // Read again by a Respond that looks at the request.
        body.Position = 0;
        context.Request.Body = body;
        await Respond(context);
    }
}
