namespace Broker.Host.Commands;

public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Bad configuration or usage: nothing was started. Distinct from 1, which the runtime uses for a crash.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>A listener or the cluster endpoint could not be opened (address in use, unreadable certificate): nothing is served.</summary>
    public const int ListenerFailed = 3;

    /// <summary>
    /// <c>broker bench</c>: the broker under test could not be reached (resolved, connected to, or its CONNACK refused);
    /// <c>broker ctl</c>: the node's management endpoint could not be reached.
    /// </summary>
    public const int BrokerUnreachable = 4;

    /// <summary>The configured storage (<c>persistence</c>) could not be opened or written at start: nothing is served.</summary>
    public const int StorageUnavailable = 5;

    /// <summary>The node left its cluster, or the split brain resolver downed it: it stopped serving, for a supervisor to start it again.</summary>
    public const int ClusterLost = 6;

    /// <summary><c>broker ctl</c>: the node refused the request (an unknown member, a node already in a cluster); its answer is printed.</summary>
    public const int Refused = 7;
}
