using System.Net;

namespace Broker.Host.Bench;

/// <summary>The broker under test: its resolved address, and the TLS settings (the host name is TLS's SNI and certificate name).</summary>
public sealed record BenchTarget(string Host, IPEndPoint EndPoint, bool Tls, bool Insecure);
