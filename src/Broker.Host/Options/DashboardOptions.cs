using System.Globalization;
using System.Net;
using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>dashboard</c> section, EMQX 5's: the HTTP listener of the API (and the dashboard), its first user, its tokens.</summary>
public sealed class DashboardOptions
{
    [ConfigurationKeyName("listeners")]
    public DashboardListenersOptions Listeners { get; init; } = new();

    /// <summary>The first administrator, made when the node knows no dashboard user; empty: none.</summary>
    [ConfigurationKeyName("default_username")]
    public string DefaultUsername { get; set; } = "admin";

    [ConfigurationKeyName("default_password")]
    public string DefaultPassword { get; set; } = "public";

    /// <summary>How long a login's bearer token is valid.</summary>
    [ConfigurationKeyName("token_expired_time")]
    public Duration TokenExpiredTime { get; set; } = Duration.FromMinutes(60);
}

public sealed class DashboardListenersOptions
{
    [ConfigurationKeyName("http")]
    public DashboardHttpOptions Http { get; init; } = new();
}

/// <summary><c>dashboard.listeners.http</c>: where the API and the dashboard listen.</summary>
public sealed class DashboardHttpOptions
{
    public const int DefaultPort = 18083;

    [ConfigurationKeyName("enable")]
    public bool Enable { get; set; } = true;

    /// <summary>EMQX's <c>bind</c>: a port (every address) or <c>ip:port</c> (<c>[::1]:18083</c> for IPv6); port 0 takes any free one.</summary>
    [ConfigurationKeyName("bind")]
    public string Bind { get; set; } = DefaultPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>The address <see cref="Bind"/> names; null when it names none (the validator reports it).</summary>
    public IPEndPoint? EndPoint()
    {
        if (int.TryParse(Bind, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return port <= IPEndPoint.MaxPort ? new IPEndPoint(IPAddress.Any, port) : null;
        }

        // IPEndPoint would take "10.0.0.1" alone as port 0: a port must be written.
        var colon = Bind.LastIndexOf(':');
        return colon > 0 && colon < Bind.Length - 1 && !Bind.EndsWith(']') && IPEndPoint.TryParse(Bind, out var endPoint) ? endPoint : null;
    }
}

/// <summary>The <c>api_key</c> section: keys of the HTTP API given in a file, as EMQX's.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Lines <c>key:secret</c> or <c>key:secret:role</c> (administrator, viewer); empty for none.</summary>
    [ConfigurationKeyName("bootstrap_file")]
    public string BootstrapFile { get; set; } = "";
}
