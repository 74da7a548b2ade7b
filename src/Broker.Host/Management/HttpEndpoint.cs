using System.Net;
using Broker.Host.Listeners;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Management;

/// <summary>
/// A Kestrel server of its own for one of the node's HTTP endpoints (the management endpoint, the dashboard listener),
/// as each MQTT listener has one, so that its address fails and stops apart: its routes mapped by the caller, the
/// broker's logger (warnings only), and no lifetime of its own, the broker's host deciding when it stops.
/// </summary>
internal static class HttpEndpoint
{
    /// <summary>
    /// Listens on <paramref name="bind"/> with the routes <paramref name="map"/> adds, and answers the application and
    /// the address it listens on (the actual port when 0 was asked). A bind that fails (its port in use, an address of
    /// no interface: IOException around the socket error, as Kestrel reports them) is thrown as
    /// <paramref name="bindFailure"/> makes it, the reason's text given.
    /// </summary>
    public static async Task<(WebApplication App, IPEndPoint EndPoint)> StartAsync(
        IPEndPoint bind, ILoggerFactory loggerFactory, Action<WebApplication> map, Func<string, Exception, Exception> bindFailure,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "broker",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<ILoggerFactory>(new WarningsOnlyLoggerFactory(loggerFactory));
        builder.Services.AddSingleton<IHostLifetime, ListenerHostLifetime>();
        builder.Services.AddRouting();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = ApiRequests.MaxBodyBytes;
            kestrel.Listen(bind);
        });
        var app = builder.Build();
        map(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            if (e is IOException)
            {
                throw bindFailure((e.InnerException ?? e).Message, e);
            }

            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new IPEndPoint(bind.Address, new Uri(address).Port));
    }
}
