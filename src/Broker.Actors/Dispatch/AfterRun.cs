namespace Broker.Actors;

/// <summary>
/// Lets code called from an actor's turn defer work to the end of the actor's run (up to <c>throughput</c>
/// messages), on the same thread, instead of queuing it to the thread pool. A connection's outgoing packets
/// are the use: the session's run writes them to the socket itself once it has handled what was in its
/// mailbox, so a message to an idle subscriber crosses no thread on its way out, while a busy session's
/// packets of one run still go out in one write (docs/PERFORMANCE.md, scenario 4).
/// <para>The end of a run on a thread lent by an I/O edge (<see cref="ActorRefExtensions.TellAndRun"/>) also runs
/// the one idle actor that run woke, its <i>next slot</i>: the same thread state, one run after the other.</para>
/// </summary>
public static class AfterRun
{
    [ThreadStatic]
    private static Deferred? t_deferred;

    /// <summary>Defers <paramref name="work"/> to the end of the current actor run; false when this thread runs no actor.</summary>
    public static bool TryDefer(IAfterRun work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (t_deferred is not { Active: true } deferred)
        {
            return false;
        }

        deferred.Add(work);
        return true;
    }

    // How many runs in a row one thread may take from its next slot before idle actors go to the pool again, so that
    // a chain of actors waking each other cannot keep a thread from its own work (Tokio bounds its LIFO slot so too).
    private const int MaxChain = 4;

    /// <summary>
    /// The next slot, on a thread an I/O edge lent to the actors (<see cref="ActorRefExtensions.TellAndRun"/>): an
    /// idle actor woken by this run's messages runs on this thread when this run ends, instead of becoming a
    /// thread-pool work item that wakes another thread (a PUBLISH's path from the publisher's session to its
    /// subscriber's). One per run; further ones go to the pool, where idle threads take them in parallel. Not on
    /// the pool's own threads: there an actor that blocked in its run (a test's) would hold back the one it woke.
    /// </summary>
    internal static bool TryTakeNext(ActorCell cell)
    {
        if (t_deferred is not { Active: true, Lent: true, Next: null } deferred || deferred.Chain >= MaxChain)
        {
            return false;
        }

        deferred.Next = cell;
        return true;
    }

    /// <summary>After a run has closed: runs the actor its messages woke (<see cref="TryTakeNext"/>), if any.</summary>
    internal static void RunNext()
    {
        var deferred = t_deferred!;
        if (deferred.Next is not { } next)
        {
            deferred.Chain = 0;
            return;
        }

        deferred.Next = null;
        deferred.Chain++;
        next.Execute();
    }

    /// <summary>Runs <paramref name="cell"/>'s turn, which the caller has scheduled, on this thread lent by an I/O edge.</summary>
    internal static void RunLent(ActorCell cell)
    {
        var deferred = t_deferred ??= new Deferred();
        deferred.Lent = true;
        try
        {
            cell.Execute();
        }
        finally
        {
            deferred.Lent = false;
        }
    }

    /// <summary>This thread is in an actor's run.</summary>
    internal static bool IsOpen => t_deferred is { Active: true };

    /// <summary>Called by a cell when its run starts; false when a run is already open on this thread (it owns the work).</summary>
    internal static bool Open()
    {
        var deferred = t_deferred ??= new Deferred();
        if (deferred.Active)
        {
            return false;
        }

        deferred.Active = true;
        return true;
    }

    /// <summary>Runs what was deferred, in order, and closes the run; work deferred meanwhile runs too.</summary>
    internal static void Close(ActorCell cell)
    {
        var deferred = t_deferred!;
        try
        {
            if (deferred.Count == 0)
            {
                return;
            }

            var actorIdle = !cell.HasPendingWork;
            for (var i = 0; i < deferred.Count; i++)
            {
                try
                {
                    deferred[i].RunAfter(actorIdle);
                }
                catch (Exception e)
                {
                    cell.ReportError("work deferred to the end of this actor's run failed", e);
                }
            }
        }
        finally
        {
            deferred.Clear();
            deferred.Active = false;
        }
    }

    /// <summary>Almost always one item (the session's own connection): the list grows only beyond it.</summary>
    private sealed class Deferred
    {
        private IAfterRun? _first;
        private List<IAfterRun>? _more;

        public bool Active { get; set; }

        public ActorCell? Next { get; set; }

        /// <summary>The thread is an I/O edge's, running actors for it (<see cref="RunLent"/>).</summary>
        public bool Lent { get; set; }

        public int Chain { get; set; }

        public int Count { get; private set; }

        public IAfterRun this[int index] => index == 0 ? _first! : _more![index - 1];

        public void Add(IAfterRun work)
        {
            if (Count == 0)
            {
                _first = work;
            }
            else
            {
                (_more ??= []).Add(work);
            }

            Count++;
        }

        public void Clear()
        {
            _first = null;
            _more?.Clear();
            Count = 0;
        }
    }
}
