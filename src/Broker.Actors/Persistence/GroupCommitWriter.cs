using System.Threading.Channels;

namespace Broker.Actors.Persistence;

/// <summary>
/// Group commit: writers from many actors queue their writes here, and one loop commits whatever is
/// pending in one transaction, then completes each writer. While a commit waits for the disk, the next
/// writes pile up and go together in the following one, so the cost of a durable commit (an fsync) is
/// shared by as many writes as arrive during it, with no timer and no added latency when idle.
/// <para>With a commit interval, commits start at most once per interval: writes arriving in between wait
/// for the next one, which trades their latency for fewer, larger transactions (the <c>periodic</c>
/// durability). A write still completes only once it is committed.</para>
/// <para>A commit that fails with more than one write in it is retried one write per transaction (unless
/// told not to, where a failure can only be the database's and would fail each of them again), so that a
/// bad write (a sequence number that exists already) fails only its own writer.</para>
/// </summary>
/// <typeparam name="TWrite">What one writer stores at once: the journal's <see cref="AtomicWrite"/>, one row of durable state.</typeparam>
internal sealed class GroupCommitWriter<TWrite> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TWrite>, CancellationToken, Task> _commit;
    private readonly Func<TWrite, int> _itemsOf;
    private readonly int _maxItemsPerCommit;
    private readonly bool _retryOneByOne;
    private readonly TimeSpan _commitInterval;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _closing = new();
    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _commits;
    private long _writes;
    private long _events;
    private long _failedCommits;
    private long _commitTicks;

    // Writes in the queue: the channel of a single reader cannot count them.
    private int _queued;

    /// <param name="commit">Stores the writes in one transaction; throws if nothing was committed.</param>
    /// <param name="itemsOf">How many items (events, rows) a write holds, for the limit and the statistics.</param>
    /// <param name="maxItemsPerCommit">The most items one commit carries; more wait for the next one.</param>
    /// <param name="retryOneByOne">Whether a failed commit of several writes is retried one write at a time.</param>
    /// <param name="commitInterval">The least time from the start of one commit to the start of the next; zero for none.</param>
    public GroupCommitWriter(
        Func<IReadOnlyList<TWrite>, CancellationToken, Task> commit,
        Func<TWrite, int> itemsOf,
        int maxItemsPerCommit,
        bool retryOneByOne = true,
        TimeSpan commitInterval = default,
        TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItemsPerCommit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(commitInterval, TimeSpan.Zero);
        _commit = commit;
        _itemsOf = itemsOf;
        _maxItemsPerCommit = maxItemsPerCommit;
        _retryOneByOne = retryOneByOne;
        _commitInterval = commitInterval;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _loop = Task.Run(RunAsync);
    }

    public JournalStatistics Statistics => new(
        Interlocked.Read(ref _commits), Interlocked.Read(ref _writes), Interlocked.Read(ref _events), Interlocked.Read(ref _failedCommits))
    {
        CommitTime = TimeSpan.FromTicks(Interlocked.Read(ref _commitTicks)),
        Queued = Volatile.Read(ref _queued),
    };

    public Task WriteAsync(TWrite write)
    {
        var request = new Request(write);
        // Before the write, so that the loop never takes out what was not counted in.
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref _queued);
            return Task.FromException(new ObjectDisposedException("GroupCommitWriter", "The store is closed."));
        }

        return request.Completion.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Request>();
        var writes = new List<TWrite>();
        var reader = _queue.Reader;
        long? lastCommitStart = null;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (_commitInterval > TimeSpan.Zero)
            {
                // The first write after a quiet spell is not held back; disposing commits what waits at once.
                if (lastCommitStart is { } last && _commitInterval - _timeProvider.GetElapsedTime(last) is { Ticks: > 0 } wait
                    && !_closing.IsCancellationRequested)
                {
                    await Task.Delay(wait, _timeProvider, _closing.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                lastCommitStart = _timeProvider.GetTimestamp();
            }

            var events = 0;
            while (events < _maxItemsPerCommit && reader.TryRead(out var request))
            {
                Interlocked.Decrement(ref _queued);
                batch.Add(request);
                writes.Add(request.Write);
                events += _itemsOf(request.Write);
            }

            await CommitAsync(batch, writes, events).ConfigureAwait(false);
            batch.Clear();
            writes.Clear();
        }
    }

    private async Task CommitAsync(List<Request> batch, List<TWrite> writes, int events)
    {
        var started = _timeProvider.GetTimestamp();
        try
        {
            await _commit(writes, CancellationToken.None).ConfigureAwait(false);
            Count(batch.Count, events, started);
            foreach (var request in batch)
            {
                request.Completion.TrySetResult();
            }

            return;
        }
        catch (Exception e) when (batch.Count == 1 || !_retryOneByOne)
        {
            Interlocked.Increment(ref _failedCommits);
            foreach (var request in batch)
            {
                request.Completion.TrySetException(e);
            }

            return;
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _failedCommits);
        }

        foreach (var request in batch)
        {
            try
            {
                started = _timeProvider.GetTimestamp();
                await _commit([request.Write], CancellationToken.None).ConfigureAwait(false);
                Count(1, _itemsOf(request.Write), started);
                request.Completion.TrySetResult();
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _failedCommits);
                request.Completion.TrySetException(e);
            }
        }
    }

    /// <param name="started">When the commit started (<see cref="TimeProvider.GetTimestamp"/>): its time goes into <see cref="JournalStatistics.CommitTime"/>.</param>
    private void Count(int writes, int events, long started)
    {
        Interlocked.Add(ref _commitTicks, _timeProvider.GetElapsedTime(started).Ticks);
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _writes, writes);
        Interlocked.Add(ref _events, events);
    }

    /// <summary>Commits what was queued before, then stops; later writes fail with <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_queue.Writer.TryComplete())
        {
            await _loop.ConfigureAwait(false);
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _closing.Dispose();
    }

    private sealed class Request(TWrite write)
    {
        public TWrite Write { get; } = write;

        // Asynchronous continuations: the writer loop must not run the actors' code on its own thread.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
