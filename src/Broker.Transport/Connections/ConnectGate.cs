namespace Broker.Transport.Connections;

/// <summary>
/// Whether this node takes new clients: while it is closed (a node out of its cluster, rejoining), every CONNECT is
/// answered CONNACK 0x88 Server unavailable (return code 3 on 3.x), which tells a client to try again later, likely
/// through its load balancer to another node. The listeners keep their sockets, so nothing is bound again when it opens.
/// </summary>
public sealed class ConnectGate
{
    private volatile string? _refusal;

    /// <summary>Why CONNECTs are refused now, or null while they are accepted.</summary>
    public string? Refusal => _refusal;

    /// <summary>Refuses every CONNECT from now on; connections already open are the caller's to close.</summary>
    public void Close(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _refusal = reason;
    }

    public void Open() => _refusal = null;
}
