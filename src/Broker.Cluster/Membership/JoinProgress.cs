namespace Broker.Cluster.Membership;

/// <summary>
/// Why this node is not a member yet, in words for the operator: fixed for static seeds, rewritten by DNS discovery
/// after each lookup. Read by <see cref="MembershipWatcher"/>'s periodic warning, from another thread.
/// </summary>
internal sealed class JoinProgress(string initial)
{
    private string _status = initial;

    public string Status => Volatile.Read(ref _status);

    /// <summary>Replaces the status; true when it said something else before (worth a log line).</summary>
    public bool Set(string status) => !string.Equals(Interlocked.Exchange(ref _status, status), status, StringComparison.Ordinal);
}
