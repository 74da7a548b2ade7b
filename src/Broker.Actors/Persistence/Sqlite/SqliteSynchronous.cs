namespace Broker.Actors.Persistence.Sqlite;

/// <summary>
/// SQLite's <c>PRAGMA synchronous</c> in WAL mode. Both survive a crash of the broker process (kill -9):
/// a committed transaction is in the WAL file, in the operating system's cache. They differ on a power
/// loss or a kernel crash.
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>Every commit is fsynced before it completes: nothing acknowledged is lost, even on power loss. One fsync per group commit.</summary>
    Full,

    /// <summary>The WAL is fsynced only at checkpoints: faster, but a power loss may undo the last commits (never corrupt the file).</summary>
    Normal,
}
