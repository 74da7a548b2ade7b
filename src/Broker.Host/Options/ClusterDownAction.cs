namespace Broker.Host.Options;

/// <summary>What a node does when its cluster ends without it having asked to leave (<c>cluster.down_action</c>).</summary>
public enum ClusterDownAction
{
    /// <summary>Disconnects its clients, refuses new ones, and joins again through the members it last saw, by itself.</summary>
    Rejoin,

    /// <summary>Stops with exit code 6, for a supervisor to start it again.</summary>
    Exit,
}
