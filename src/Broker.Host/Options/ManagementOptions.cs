using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>management</c> section: the node's HTTP endpoint for cluster management and health probes.</summary>
public sealed class ManagementOptions
{
    [ConfigurationKeyName("http")]
    public ManagementHttpOptions Http { get; init; } = new();
}

/// <summary>
/// Where the management endpoint listens. Its routes can take nodes out of the cluster and have no authentication
/// yet, hence loopback by default.
/// </summary>
public sealed class ManagementHttpOptions
{
    public const int DefaultPort = 8558;

    [ConfigurationKeyName("enable")]
    public bool Enable { get; set; } = true;

    /// <summary>IP address to listen on; 0.0.0.0 to let Kubernetes probes (or other hosts) reach it.</summary>
    [ConfigurationKeyName("bind")]
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>TCP port (Akka Management's 8558); 0 takes any free one, which the log then names.</summary>
    [ConfigurationKeyName("port")]
    public int Port { get; set; } = DefaultPort;
}
