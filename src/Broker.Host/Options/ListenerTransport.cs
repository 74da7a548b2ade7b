namespace Broker.Host.Options;

/// <summary>What carries a plain tcp listener's connections; configured as <c>sockets</c> or <c>kestrel</c>.</summary>
public enum ListenerTransport
{
    /// <summary>The broker's own socket transport: the least memory per idle connection (docs/PERFORMANCE.md).</summary>
    Sockets,

    /// <summary>ASP.NET Core Kestrel's socket transport, as the ssl, ws and wss listeners use.</summary>
    Kestrel,
}
