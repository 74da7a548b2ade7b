namespace Broker.Host.Listeners;

/// <summary>A listener could not start (address in use, unreadable certificate...); the message names its key and address.</summary>
public sealed class ListenerStartException(string listener, string message, Exception? inner = null)
    : Exception($"listeners.{listener}: {message}", inner)
{
    /// <summary>The listener's key under <c>listeners</c>: tcp, ssl, ws or wss.</summary>
    public string Listener { get; } = listener;
}
