using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>A listener that terminates TLS: it needs a certificate and its key (PEM files).</summary>
public abstract class TlsListenerOptions : ListenerOptions
{
    private protected TlsListenerOptions(bool enabled, int port)
        : base(enabled, port)
    {
    }

    [ConfigurationKeyName("certfile")]
    public string CertFile { get; set; } = "";

    [ConfigurationKeyName("keyfile")]
    public string KeyFile { get; set; } = "";

    /// <summary>CA bundle used to verify client certificates; empty for the system store.</summary>
    [ConfigurationKeyName("cacertfile")]
    public string CaCertFile { get; set; } = "";
}
