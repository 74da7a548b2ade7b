namespace Broker.Host.Bench;

/// <summary>A bench client could not connect: socket, TLS, or the broker refused or broke the MQTT handshake.</summary>
public sealed class BenchConnectException : Exception
{
    public BenchConnectException()
    {
    }

    public BenchConnectException(string message)
        : base(message)
    {
    }

    public BenchConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
